import request from 'supertest';
import { ENDPOINT_PATHS } from '../src/common/endpoint-paths.js';
import { obtainCode, openAuthorize, parseSignInForm, pkcePair, submitSignIn } from './support/browser-flow.js';
import type { ServerProcess } from './support/node-process.js';
import { RedisServer, uniqueKeyPrefix } from './support/redis-servers.js';
import { over, replicaConfig, startReplicas } from './support/redis-replicas.js';
import { ALICE_PASSWORD, type TestApp } from './support/test-app.js';
import { SVC, WEB_APP, WEB_APP_CALLBACK, exchangeCode, refresh, tokenRequest } from './support/token-endpoint.js';

/**
 * Faults (issue 7.6): a server process on a Redis the test starts on its own port, then stops,
 * restarts and pauses. The store's failures become clean 503s — JSON `temporarily_unavailable`
 * at the token endpoint, an HTML page at sign-in — the process stays up and unready, nothing
 * secret reaches its log, and it serves again within seconds once Redis is back, no restart.
 */
describe('a server whose Redis fails', () => {
  let redis: RedisServer;
  let server: ServerProcess;
  let t: TestApp;
  beforeAll(async () => {
    redis = await RedisServer.start();
    [server] = await startReplicas(replicaConfig({ url: redis.url, 'key-prefix': uniqueKeyPrefix('faults'), 'command-timeout': '500ms' }), 1);
    t = over(server);
    await untilReady(10_000);
  }, 30_000);
  afterAll(async () => {
    await server?.stop();
    await redis?.stop();
  });
  afterEach(async () => {
    await redis.resume();
    await untilReady(10_000);
  });

  const codeFor = () => obtainCode(t, { client_id: 'web-app', redirect_uri: WEB_APP_CALLBACK, scope: 'openid' });
  const ready = async () => (await request(server.url).get('/health/ready')).status;
  async function untilReady(withinMs: number): Promise<number> {
    const started = Date.now();
    while ((await ready()) !== 200) {
      if (Date.now() - started > withinMs) throw new Error(`not ready ${withinMs} ms after Redis came back`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
    return Date.now() - started;
  }

  function expectTemporarilyUnavailable(res: request.Response): void {
    expect(res.status).toBe(503);
    expect(res.headers['content-type']).toMatch(/^application\/json/);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toEqual({ error: 'temporarily_unavailable', error_description: expect.any(String) });
  }

  it('answers 503s while Redis is stopped, stays up and unready, and serves again once it is back', async () => {
    const unredeemed = await codeFor();
    const tokens = (await exchangeCode(t, await codeFor(), WEB_APP)).body;
    const { verifier, challenge } = pkcePair();
    const authorizeParams = {
      response_type: 'code', client_id: 'web-app', redirect_uri: WEB_APP_CALLBACK, scope: 'openid', state: 'st-faults',
      code_challenge: challenge, code_challenge_method: 'S256',
    };
    const printedBefore = server.printed.length;

    await redis.halt();
    expectTemporarilyUnavailable(await exchangeCode(t, unredeemed, WEB_APP));
    expectTemporarilyUnavailable(await refresh(t, tokens.refresh_token, WEB_APP));
    // Client credentials touch no store.
    expect((await tokenRequest(t, { grant_type: 'client_credentials' }, SVC)).status).toBe(200);
    // The authorization request is sealed into the form (no store); completing the sign-in needs
    // the store (attempt counters, single-use form): an HTML page, 503.
    const page = await openAuthorize(t, authorizeParams);
    expect(page.status).toBe(200);
    const signIn = await submitSignIn(t, parseSignInForm(page.text, page.headers['set-cookie']), 'alice', ALICE_PASSWORD);
    expect(signIn.status).toBe(503);
    expect(signIn.headers['content-type']).toMatch(/^text\/html/);
    expect(signIn.text).toMatch(/Temporarily unavailable/);
    expect(signIn.headers.location).toBeUndefined();
    // A token whose revocation cannot be checked is not reported active.
    const introspection = await request(server.url).post(ENDPOINT_PATHS.introspection).auth(WEB_APP.clientId, WEB_APP.secret!)
      .type('form').send({ token: tokens.access_token });
    expectTemporarilyUnavailable(introspection);
    expect((await request(server.url).get('/health/ready')).status).toBe(503);
    expect((await request(server.url).get('/health/live')).status).toBe(200);

    await redis.resume();
    expect(await untilReady(10_000)).toBeLessThan(10_000);
    const after = await exchangeCode(t, await codeFor(), WEB_APP);
    expect(after.status).toBe(200);

    const printed = server.printed.slice(printedBefore);
    expect(printed).toMatch(/redis store: connection to 127\.0\.0\.1:\d+ failing/);
    expect(printed).toMatch(/redis store: connection to 127\.0\.0\.1:\d+ is back/);
    for (const secret of [unredeemed.code, tokens.refresh_token, tokens.access_token, WEB_APP.secret!, ALICE_PASSWORD, after.body.refresh_token]) {
      expect(printed).not.toContain(secret);
    }
    expect(printed).not.toMatch(/\n\s+at |ReplyError|node_modules/);
    expect(server.printed).not.toMatch(/"level":"?(fatal|60)/);
  }, 60_000);

  it('answers a clean 503 within the command timeout, not a hung request, while Redis is paused', async () => {
    const tokens = (await exchangeCode(t, await codeFor(), WEB_APP)).body;
    await redis.command('CLIENT PAUSE 2000 ALL');
    const started = Date.now();
    const [refreshed, code] = await Promise.all([
      refresh(t, tokens.refresh_token, WEB_APP),
      tokenRequest(t, { grant_type: 'authorization_code', code: `${'g'.repeat(22)}.${'c'.repeat(43)}` /* well formed, unknown: the store is asked */, redirect_uri: WEB_APP_CALLBACK, code_verifier: 'v'.repeat(43) }, WEB_APP),
    ]);
    expectTemporarilyUnavailable(refreshed);
    expectTemporarilyUnavailable(code);
    expect(Date.now() - started).toBeLessThan(1_500);
    expect((await request(server.url).get('/health/ready')).status).toBe(503);
  }, 30_000);
});
