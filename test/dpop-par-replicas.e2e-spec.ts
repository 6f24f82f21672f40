import request from 'supertest';
import { pkcePair } from './support/browser-flow.js';
import { dpopKey, dpopProof } from './support/dpop.js';
import { ServerProcess } from './support/node-process.js';
import { sharedRedis, uniqueKeyPrefix } from './support/redis-servers.js';
import { TEST_ROOT, TestApp, baseConfig, writeConfig } from './support/test-app.js';
import { generateTestKey, writeKeyFile } from './support/test-keys.js';
import { SVC, WEB_APP, WEB_APP_CALLBACK, postAsClient, tokenRequest } from './support/token-endpoint.js';

const TOKEN_URL = `${TEST_ROOT}/api/oauth2/token`;

/** A running server process as the test helpers' target (supertest takes a base URL for an app). */
const target = (server: ServerProcess) => ({ server: server.url }) as unknown as TestApp;

/**
 * Two replicas (`node dist/main.js`) on one Redis store with the same PEM keys, as behind a load
 * balancer: a DPoP proof accepted at one is refused at the other (the `jti` is remembered in the
 * store), a nonce issued by one is accepted by the other (derived from the shared keys, no store),
 * and a request pushed to one is used at the other, once.
 */
describe('DPoP and PAR across two replicas sharing a Redis store', () => {
  let redis: Awaited<ReturnType<typeof sharedRedis>>;
  let a: ServerProcess;
  let b: ServerProcess;

  beforeAll(async () => {
    redis = await sharedRedis();
    const configFile = writeConfig(baseConfig({
      token: { 'dpop-nonce': true },
      keys: {
        'access-token': [{ id: 'at-replicas', algorithm: 'ES256', 'private-key-file': writeKeyFile(generateTestKey('ES256').pem, 'access-token.pem') }],
        'id-token': [{ id: 'it-replicas', algorithm: 'ES256', 'private-key-file': writeKeyFile(generateTestKey('ES256').pem, 'id-token.pem') }],
      },
      store: { type: 'redis', url: redis.url, 'key-prefix': uniqueKeyPrefix('dpop-par') },
    }));
    [a, b] = await Promise.all([0, 1].map(() => ServerProcess.start({ SYMPAUTHY_CONFIG: configFile, SHUTDOWN_DRAIN_DELAY: '0s' })));
  }, 60_000);
  afterAll(async () => {
    await Promise.all([a?.stop(), b?.stop()]);
    await redis?.release();
  });

  it('refuses at B a proof accepted at A, and accepts at B a nonce issued by A', async () => {
    const key = dpopKey();
    const asked = await tokenRequest(target(a), { grant_type: 'client_credentials' }, SVC).set('DPoP', dpopProof(key, { htu: TOKEN_URL }));
    expect(asked.body.error).toBe('use_dpop_nonce');
    const nonce = asked.headers['dpop-nonce'];

    const proof = dpopProof(key, { htu: TOKEN_URL, nonce });
    const atA = await tokenRequest(target(a), { grant_type: 'client_credentials' }, SVC).set('DPoP', proof);
    expect(atA.status).toBe(200);
    expect(atA.body.token_type).toBe('DPoP');
    const atB = await tokenRequest(target(b), { grant_type: 'client_credentials' }, SVC).set('DPoP', proof);
    expect({ status: atB.status, error: atB.body.error }).toEqual({ status: 400, error: 'invalid_dpop_proof' });

    const fresh = await tokenRequest(target(b), { grant_type: 'client_credentials' }, SVC).set('DPoP', dpopProof(key, { htu: TOKEN_URL, nonce }));
    expect(fresh.status).toBe(200);
  });

  it('uses at B a request pushed to A, once', async () => {
    const pushed = await postAsClient(target(a), '/api/oauth2/par', {
      response_type: 'code', redirect_uri: WEB_APP_CALLBACK, scope: 'openid', state: 'st',
      code_challenge: pkcePair().challenge, code_challenge_method: 'S256',
    }, WEB_APP);
    expect(pushed.status).toBe(201);
    const query = { client_id: 'web-app', request_uri: pushed.body.request_uri as string };
    expect((await request(b.url).get('/api/oauth2/authorize').query(query)).status).toBe(200);
    expect((await request(a.url).get('/api/oauth2/authorize').query(query)).status).toBe(400);
  });
});
