import { createLocalJWKSet, jwtVerify } from 'jose';
import request from 'supertest';
import { openAuthorize, obtainCode, parseSignInForm, pkcePair, submitSignIn } from './support/browser-flow.js';
import { ENDPOINT_PATHS } from '../src/common/endpoint-paths.js';
import { ServerProcess, runNode } from './support/node-process.js';
import { deleteKeys, sharedRedis, uniqueKeyPrefix } from './support/redis-servers.js';
import { over, replicaConfig, startReplicas } from './support/redis-replicas.js';
import { baseConfig, writeConfig, type TestApp } from './support/test-app.js';
import { WEB_APP, WEB_APP_CALLBACK, exchangeCode, introspect, refresh } from './support/token-endpoint.js';

/**
 * Replicas, end to end (issue 7.5): two server processes on two ports, one Redis, the same keys
 * from PKCS#8 PEM files. Whatever one replica writes, the other honours.
 */
describe('two replicas on one Redis store', () => {
  let redis: Awaited<ReturnType<typeof sharedRedis>>;
  let servers: ServerProcess[];
  let a: TestApp;
  let b: TestApp;
  const keyPrefix = uniqueKeyPrefix('replicas');
  beforeAll(async () => {
    redis = await sharedRedis();
    servers = await startReplicas(replicaConfig({ url: redis.url, 'key-prefix': keyPrefix }), 2);
    [a, b] = servers.map(over);
  }, 30_000);
  afterAll(async () => {
    await Promise.all((servers ?? []).map((s) => s.stop()));
    if (redis) await deleteKeys(redis.url, keyPrefix);
    await redis?.release();
  });

  const codeAt = (t: TestApp) => obtainCode(t, { client_id: 'web-app', redirect_uri: WEB_APP_CALLBACK, scope: 'openid' });
  const isActive = async (t: TestApp, token: string) => (await introspect(t, token, WEB_APP)).body.active === true;

  it('redeems at B a code obtained through A', async () => {
    const tokens = await exchangeCode(b, await codeAt(a), WEB_APP);
    expect(tokens.status).toBe(200);
    expect(tokens.body).toMatchObject({ access_token: expect.any(String), refresh_token: expect.any(String), id_token: expect.any(String) });
  });

  it('spends a code sent to A and B at the same moment exactly once, in each of 50 tries', async () => {
    // The store lets exactly one redemption spend the code: it answers 200. The other is a replay,
    // refused, and it revokes what the first produced, so those tokens end up inactive on both.
    for (let i = 0; i < 50; i++) {
      const code = await codeAt(i % 2 === 0 ? a : b);
      const answers = await Promise.all([exchangeCode(a, code, WEB_APP), exchangeCode(b, code, WEB_APP)]);
      const succeeded = answers.filter((r) => r.status === 200);
      expect(succeeded).toHaveLength(1);
      for (const refused of answers.filter((r) => r.status !== 200)) expect(refused.body).toMatchObject({ error: 'invalid_grant' });
      for (const { body } of succeeded) {
        for (const t of [a, b]) {
          expect(await isActive(t, body.access_token)).toBe(false);
          expect(await isActive(t, body.refresh_token)).toBe(false);
        }
      }
      expect((await exchangeCode(i % 2 === 0 ? b : a, code, WEB_APP)).body.error).toBe('invalid_grant');
    }
  }, 60_000);

  it('revokes the family on both when a refresh token rotated at A is replayed at B', async () => {
    const first = await exchangeCode(a, await codeAt(a), WEB_APP);
    const rotated = await refresh(a, first.body.refresh_token, WEB_APP);
    expect(rotated.status).toBe(200);
    expect(await isActive(b, rotated.body.access_token)).toBe(true);

    const replay = await refresh(b, first.body.refresh_token, WEB_APP);
    expect(replay.status).toBe(400);
    expect(replay.body.error).toBe('invalid_grant');
    for (const t of [a, b]) {
      expect((await refresh(t, rotated.body.refresh_token, WEB_APP)).status).toBe(400);
      expect(await isActive(t, rotated.body.access_token)).toBe(false);
      expect(await isActive(t, rotated.body.refresh_token)).toBe(false);
      const info = await request(servers[t === a ? 0 : 1].url).get('/api/openid/userinfo').set('authorization', `Bearer ${rotated.body.access_token}`);
      expect(info.status).toBe(401);
    }
  });

  it('verifies the tokens of either replica with the JWKS of either', async () => {
    const fromA = await exchangeCode(a, await codeAt(a), WEB_APP);
    const fromB = await exchangeCode(b, await codeAt(b), WEB_APP);
    for (const server of servers) {
      const jwks = createLocalJWKSet((await request(server.url).get(ENDPOINT_PATHS.jwks).expect(200)).body);
      for (const tokens of [fromA.body, fromB.body]) {
        await expect(jwtVerify(tokens.access_token, jwks)).resolves.toBeDefined();
        await expect(jwtVerify(tokens.id_token, jwks, { audience: 'web-app' })).resolves.toBeDefined();
      }
    }
  });

  it('completes at B (POST) a sign-in started at A (GET authorize), once', async () => {
    const { verifier, challenge } = pkcePair();
    const page = await openAuthorize(a, {
      response_type: 'code', client_id: 'web-app', redirect_uri: WEB_APP_CALLBACK, scope: 'openid', state: 'st-replicas',
      code_challenge: challenge, code_challenge_method: 'S256',
    });
    expect(page.status).toBe(200);
    const form = parseSignInForm(page.text, page.headers['set-cookie']);
    const signedIn = await submitSignIn(b, form, 'alice', 'alice-password');
    expect(signedIn.status).toBe(303);
    const location = new URL(String(signedIn.headers.location));
    expect(location.searchParams.get('state')).toBe('st-replicas');
    const code = location.searchParams.get('code')!;
    expect((await exchangeCode(a, { code, location, verifier, redirectUri: WEB_APP_CALLBACK }, WEB_APP)).status).toBe(200);
    // The form is single use across replicas too.
    expect((await submitSignIn(a, form, 'alice', 'alice-password')).status).not.toBe(303);
  });
});

describe('store.type redis with generated keys', () => {
  it('refuses to start, naming the keys path (store.allow-generated-keys is unit-tested in store-config.spec)', async () => {
    const store = { type: 'redis', url: 'redis://127.0.0.1:6379', 'key-prefix': uniqueKeyPrefix('keys') };
    const refused = await runNode('main.js', [], { env: { SYMPAUTHY_CONFIG: writeConfig(baseConfig({ store })), HOST: '127.0.0.1', PORT: '0' } });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/^ {2}- keys\.access-token: is required with store\.type redis: replicas sharing a store must sign with the same configured keys/m);
    expect(refused.stderr).toMatch(/^ {2}- keys\.id-token: is required with store\.type redis/m);
  });
});
