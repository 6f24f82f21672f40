// Risk: a captured DPoP proof or a stolen DPoP-bound token is replayed — RFC 9449 §11.1 (proof
// replay: a proof's jti is accepted once within the iat window) and §1/§7 (a bound token or a
// public client's bound refresh token is useless without the private key).
import request from 'supertest';
import { obtainCode } from '../support/browser-flow.js';
import { dpopKey, dpopProof } from '../support/dpop.js';
import { TEST_ROOT, TestApp, baseConfig, startTestApp } from '../support/test-app.js';
import { SPA, SPA_CALLBACK, SVC, exchangeCode, introspect, refresh, tokenRequest } from '../support/token-endpoint.js';

const TOKEN_URL = `${TEST_ROOT}/api/oauth2/token`;
const USERINFO_URL = `${TEST_ROOT}/api/openid/userinfo`;
const PARALLEL = 25;

describe('security: DPoP proof and bound-token replay', () => {
  let t: TestApp;
  const key = dpopKey();
  beforeAll(async () => { t = await startTestApp(baseConfig()); });
  afterAll(async () => t.close());

  it(`accepts one proof once even when ${PARALLEL} requests carry it at the same time`, async () => {
    const proof = dpopProof(key, { htu: TOKEN_URL });
    const answers = await Promise.all(Array.from({ length: PARALLEL }, () => tokenRequest(t, { grant_type: 'client_credentials' }, SVC).set('DPoP', proof)));
    expect(answers.filter((r) => r.status === 200)).toHaveLength(1);
    expect(answers.filter((r) => r.status === 400 && r.body.error === 'invalid_dpop_proof')).toHaveLength(PARALLEL - 1);
  });

  it('refuses a bound access token presented with the thief\'s own key, as Bearer, or with a replayed proof', async () => {
    const code = await obtainCode(t, { client_id: 'spa', redirect_uri: SPA_CALLBACK, scope: 'openid' });
    const token = (await exchangeCode(t, code, SPA).set('DPoP', dpopProof(key, { htu: TOKEN_URL }))).body.access_token as string;
    const victimProof = dpopProof(key, { htm: 'GET', htu: USERINFO_URL, accessToken: token });
    expect((await request(t.server).get('/api/openid/userinfo').set('authorization', `DPoP ${token}`).set('DPoP', victimProof)).status).toBe(200);

    const thief = dpopKey();
    const attempts = [
      request(t.server).get('/api/openid/userinfo').set('authorization', `DPoP ${token}`).set('DPoP', dpopProof(thief, { htm: 'GET', htu: USERINFO_URL, accessToken: token })),
      request(t.server).get('/api/openid/userinfo').set('authorization', `Bearer ${token}`),
      request(t.server).get('/api/openid/userinfo').set('authorization', `DPoP ${token}`).set('DPoP', victimProof),
    ];
    for (const res of await Promise.all(attempts)) {
      expect(res.status).toBe(401);
      expect(res.body.sub).toBeUndefined();
    }
  });

  it('keeps a public client\'s stolen refresh token useless without the key, and does not let the thief revoke it', async () => {
    const code = await obtainCode(t, { client_id: 'spa', redirect_uri: SPA_CALLBACK, scope: 'openid' });
    const tokens = (await exchangeCode(t, code, SPA).set('DPoP', dpopProof(key, { htu: TOKEN_URL }))).body;
    const thief = dpopKey();
    const stolen = await Promise.all(Array.from({ length: 5 }, () => refresh(t, tokens.refresh_token, SPA).set('DPoP', dpopProof(thief, { htu: TOKEN_URL }))));
    expect(stolen.map((r) => r.body.error)).toEqual(Array(5).fill('invalid_grant'));
    expect((await introspect(t, tokens.refresh_token, SPA)).body.active).toBe(true);
    expect((await refresh(t, tokens.refresh_token, SPA).set('DPoP', dpopProof(key, { htu: TOKEN_URL }))).status).toBe(200);
  });
});
