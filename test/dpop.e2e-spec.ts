import request from 'supertest';
import { obtainCode } from './support/browser-flow.js';
import { DpopAlgorithm, DpopKey, dpopKey, dpopProof, jwtClaims } from './support/dpop.js';
import { TEST_ROOT, TestApp, baseConfigWithClients, startTestApp } from './support/test-app.js';
import {
  ClientAuth, SPA, SPA_CALLBACK, SVC, WEB_APP, WEB_APP_CALLBACK, exchangeCode, introspect, refresh, tokenRequest,
} from './support/token-endpoint.js';

/**
 * DPoP (RFC 9449, SPEC §5) at the token endpoint, UserInfo, introspection and the authorization
 * endpoint: every rule of the proof check with a hand-made proof that breaks exactly that rule,
 * the binding of access tokens, of a public client's refresh tokens and of codes (`dpop_jkt`),
 * the per-client and global requirements, and server nonces.
 */
const TOKEN_URL = `${TEST_ROOT}/api/oauth2/token`;
const USERINFO_URL = `${TEST_ROOT}/api/openid/userinfo`;
const BOUND_SVC: ClientAuth = { clientId: 'bound-svc', secret: 'bound-secret' };

function config(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return baseConfigWithClients({
    'bound-svc': { secret: 'bound-secret', 'allowed-grant-types': ['client_credentials'], 'dpop-bound-access-tokens': true },
  }, overrides);
}

function expectDpopError(res: request.Response, error = 'invalid_dpop_proof'): void {
  expect({ status: res.status, error: res.body.error }).toEqual({ status: 400, error });
  expect(res.body.access_token).toBeUndefined();
  expect(res.headers['cache-control']).toBe('no-store');
}

function clientCredentials(t: TestApp, proof?: string | string[], client: ClientAuth = SVC): request.Test {
  const req = tokenRequest(t, { grant_type: 'client_credentials' }, client);
  // An array sends the header once per value (superagent), as two DPoP headers.
  return proof === undefined ? req : req.set('DPoP', proof as string);
}

function userinfo(t: TestApp, authorization: string, proof?: string): request.Test {
  const req = request(t.server).get('/api/openid/userinfo').set('authorization', authorization);
  return proof === undefined ? req : req.set('DPoP', proof);
}

describe('DPoP (RFC 9449)', () => {
  let t: TestApp;
  let key: DpopKey;
  beforeAll(async () => {
    t = await startTestApp(config());
    key = dpopKey('ES256');
  });
  afterAll(async () => t.close());

  describe('token endpoint: binding', () => {
    it('binds a client-credentials token to the proof key: token_type DPoP, cnf.jkt, introspection cnf', async () => {
      const res = await clientCredentials(t, dpopProof(key, { htu: TOKEN_URL }));
      expect(res.status).toBe(200);
      expect(res.body.token_type).toBe('DPoP');
      expect(jwtClaims(res.body.access_token).cnf).toEqual({ jkt: key.jkt });
      const info = await introspect(t, res.body.access_token, SVC);
      expect(info.body).toMatchObject({ active: true, token_type: 'DPoP', cnf: { jkt: key.jkt } });
    });

    it('issues a Bearer token without cnf when the request carries no proof (the default)', async () => {
      const res = await clientCredentials(t);
      expect(res.status).toBe(200);
      expect(res.body.token_type).toBe('Bearer');
      expect(jwtClaims(res.body.access_token).cnf).toBeUndefined();
      expect((await introspect(t, res.body.access_token, SVC)).body).toMatchObject({ active: true, token_type: 'Bearer' });
      expect((await introspect(t, res.body.access_token, SVC)).body.cnf).toBeUndefined();
    });

    it.each(['ES256', 'ES384', 'PS256', 'RS256', 'EdDSA', 'Ed25519'] as DpopAlgorithm[])('accepts a proof signed with %s', async (alg) => {
      const other = dpopKey(alg);
      const res = await clientCredentials(t, dpopProof(other, { htu: TOKEN_URL }));
      expect(res.status).toBe(200);
      expect(jwtClaims(res.body.access_token).cnf).toEqual({ jkt: other.jkt });
    });

    it('accepts an htu differing only by case of scheme and host, default port, query or fragment (RFC 9449 §4.3)', async () => {
      for (const htu of ['HTTP://ISSUER.TEST/api/oauth2/token', 'http://issuer.test:80/api/oauth2/token', `${TOKEN_URL}?x=1`, `${TOKEN_URL}#f`]) {
        expect((await clientCredentials(t, dpopProof(key, { htu }))).status).toBe(200);
      }
    });
  });

  describe('token endpoint: each rule of the proof check (RFC 9449 §4.3) → 400 invalid_dpop_proof', () => {
    const now = () => Math.floor(Date.now() / 1000);
    const rsa = dpopKey('RS256');
    const cases: [string, string, () => string | string[]][] = [
      ['a value that is not a JWT', 'compact JWT', () => 'not-a-jwt'],
      ['two DPoP headers', 'compact JWT', () => [dpopProof(key, { htu: TOKEN_URL }), dpopProof(key, { htu: TOKEN_URL })]],
      ['two proofs in one header', 'compact JWT', () => `${dpopProof(key, { htu: TOKEN_URL })}, ${dpopProof(key, { htu: TOKEN_URL })}`],
      ['an unsigned JWT (two parts)', 'compact JWT', () => dpopProof(key, { htu: TOKEN_URL }).split('.').slice(0, 2).join('.')],
      ['typ JWT', 'typ dpop+jwt', () => dpopProof(key, { htu: TOKEN_URL, header: { typ: 'JWT' } })],
      ['no typ', 'typ dpop+jwt', () => dpopProof(key, { htu: TOKEN_URL, header: { typ: undefined } })],
      ['alg none', 'alg must be one of', () => dpopProof(key, { htu: TOKEN_URL, header: { alg: 'none' } })],
      ['a symmetric alg (HS256)', 'alg must be one of', () => dpopProof(key, { htu: TOKEN_URL, header: { alg: 'HS256' } })],
      ['an alg that does not match the key (RS256 with an EC key)', 'not a RSA key', () => dpopProof(key, { htu: TOKEN_URL, header: { alg: 'RS256' } })],
      ['an EC curve that does not match the alg (ES384 with a P-256 key)', 'curve is not P-384', () => dpopProof(key, { htu: TOKEN_URL, header: { alg: 'ES384' } })],
      ['no jwk', 'jwk header', () => dpopProof(key, { htu: TOKEN_URL, header: { jwk: undefined } })],
      ['a jwk that is not an object', 'jwk header', () => dpopProof(key, { htu: TOKEN_URL, header: { jwk: 'key' } })],
      ['a private jwk (d)', 'private members', () => dpopProof(key, { htu: TOKEN_URL, header: { jwk: { ...key.jwk, d: 'AAAA' } } })],
      ['a symmetric jwk', 'private members', () => dpopProof(key, { htu: TOKEN_URL, header: { jwk: { kty: 'oct', k: 'c2VjcmV0' } } })],
      ['a jwk that is no point of the curve', 'not a valid public key', () => dpopProof(key, { htu: TOKEN_URL, header: { jwk: { ...key.jwk, y: key.jwk.x } } })],
      ['an RSA key under 2048 bits', '2048 to 8192 bits', () => dpopProof(rsa, { htu: TOKEN_URL, header: { jwk: { ...rsa.jwk, n: rsa.jwk.n.slice(0, 170) } } })],
      ['a signature by another key', 'signature does not verify', () => dpopProof(key, { htu: TOKEN_URL, signWith: dpopKey('ES256').privateKey })],
      ['an altered payload', 'signature does not verify', () => {
        const [h, , s] = dpopProof(key, { htu: TOKEN_URL }).split('.');
        const p = Buffer.from(JSON.stringify({ jti: 'x', htm: 'POST', htu: TOKEN_URL, iat: now() })).toString('base64url');
        return `${h}.${p}.${s}`;
      }],
      ['no jti', 'jti', () => dpopProof(key, { htu: TOKEN_URL, claims: { jti: undefined } })],
      ['a jti of 257 characters', 'jti of 1 to 256', () => dpopProof(key, { htu: TOKEN_URL, jti: 'j'.repeat(257) })],
      ['htm GET', 'htm must be POST', () => dpopProof(key, { htu: TOKEN_URL, htm: 'GET' })],
      ['htm post (case matters)', 'htm must be POST', () => dpopProof(key, { htu: TOKEN_URL, htm: 'post' })],
      ['htu of another endpoint', 'htu must be', () => dpopProof(key, { htu: USERINFO_URL })],
      ['htu of another host', 'htu must be', () => dpopProof(key, { htu: 'http://evil.test/api/oauth2/token' })],
      ['htu of another scheme', 'htu must be', () => dpopProof(key, { htu: 'https://issuer.test/api/oauth2/token' })],
      ['an htu that is not a URL', 'htu must be', () => dpopProof(key, { htu: '/api/oauth2/token' })],
      ['no iat', 'numeric iat', () => dpopProof(key, { htu: TOKEN_URL, claims: { iat: undefined } })],
      ['an iat that is a string', 'numeric iat', () => dpopProof(key, { htu: TOKEN_URL, claims: { iat: String(now()) } })],
      ['an iat 61 s old', 'outside the accepted window', () => dpopProof(key, { htu: TOKEN_URL, iat: now() - 61 })],
      ['an iat 11 s ahead', 'outside the accepted window', () => dpopProof(key, { htu: TOKEN_URL, iat: now() + 11 })],
      ['a proof longer than 8 KiB', 'too long', () => dpopProof(key, { htu: TOKEN_URL, claims: { pad: 'x'.repeat(8192) } })],
    ];
    it.each(cases)('refuses %s', async (_label, reason, proof) => {
      const res = await clientCredentials(t, proof());
      expectDpopError(res);
      expect(res.body.error_description).toContain(reason);
    });

    it('refuses a proof seen before (jti replay), even with a new client request', async () => {
      const proof = dpopProof(key, { htu: TOKEN_URL });
      expect((await clientCredentials(t, proof)).status).toBe(200);
      const replayed = await clientCredentials(t, proof);
      expectDpopError(replayed);
      expect(replayed.body.error_description).toContain('already used');
    });

    it('checks client authentication first: a bad secret with a proof is invalid_client, and the proof stays unused', async () => {
      const proof = dpopProof(key, { htu: TOKEN_URL });
      expect((await clientCredentials(t, proof, { clientId: 'svc', secret: 'wrong' })).body.error).toBe('invalid_client');
      expect((await clientCredentials(t, proof)).status).toBe(200);
    });
  });

  describe('per-client dpop-bound-access-tokens', () => {
    it('refuses a token request without a proof from that client, and accepts one with a proof', async () => {
      expectDpopError(await clientCredentials(t, undefined, BOUND_SVC));
      const res = await clientCredentials(t, dpopProof(key, { htu: TOKEN_URL }), BOUND_SVC);
      expect(res.status).toBe(200);
      expect(res.body.token_type).toBe('DPoP');
    });

    it('leaves the other clients free to send none', async () => {
      expect((await clientCredentials(t)).body.token_type).toBe('Bearer');
    });
  });

  describe('authorization code and refresh token', () => {
    it('binds a public client\'s refresh token to the proof key: refreshing needs a proof by that key', async () => {
      const code = await obtainCode(t, { client_id: 'spa', redirect_uri: SPA_CALLBACK, scope: 'openid' });
      const tokens = await exchangeCode(t, code, SPA).set('DPoP', dpopProof(key, { htu: TOKEN_URL }));
      expect(tokens.status).toBe(200);
      expect(tokens.body.token_type).toBe('DPoP');
      expect(jwtClaims(tokens.body.access_token).cnf).toEqual({ jkt: key.jkt });
      expect((await introspect(t, tokens.body.refresh_token, SPA)).body).toMatchObject({ active: true, cnf: { jkt: key.jkt } });

      const withoutProof = await refresh(t, tokens.body.refresh_token, SPA);
      expect(withoutProof.status).toBe(400);
      expect(withoutProof.body.error).toBe('invalid_grant');
      const otherKey = await refresh(t, tokens.body.refresh_token, SPA).set('DPoP', dpopProof(dpopKey(), { htu: TOKEN_URL }));
      expect(otherKey.body.error).toBe('invalid_grant');
      // Neither attempt touched the family: the token is still live for its key.
      const refreshed = await refresh(t, tokens.body.refresh_token, SPA).set('DPoP', dpopProof(key, { htu: TOKEN_URL }));
      expect(refreshed.status).toBe(200);
      expect(refreshed.body.token_type).toBe('DPoP');
      expect(jwtClaims(refreshed.body.access_token).cnf).toEqual({ jkt: key.jkt });
      expect((await introspect(t, refreshed.body.refresh_token, SPA)).body.cnf).toEqual({ jkt: key.jkt });
    });

    it('binds a confidential client\'s access token only: its refresh token works without a proof', async () => {
      const code = await obtainCode(t, { client_id: 'web-app', redirect_uri: WEB_APP_CALLBACK, scope: 'openid' });
      const tokens = await exchangeCode(t, code, WEB_APP).set('DPoP', dpopProof(key, { htu: TOKEN_URL }));
      expect(tokens.body.token_type).toBe('DPoP');
      expect((await introspect(t, tokens.body.refresh_token, WEB_APP)).body.cnf).toBeUndefined();
      const refreshed = await refresh(t, tokens.body.refresh_token, WEB_APP);
      expect(refreshed.status).toBe(200);
      expect(refreshed.body.token_type).toBe('Bearer');
    });

    it('redeems a code issued for dpop_jkt only with a proof by that key (RFC 9449 §10)', async () => {
      const code = await obtainCode(t, { client_id: 'spa', redirect_uri: SPA_CALLBACK, scope: 'openid', dpop_jkt: key.jkt });
      const withoutProof = await exchangeCode(t, code, SPA);
      expect(withoutProof.body.error).toBe('invalid_grant');
      expect(withoutProof.body.error_description).toContain('dpop_jkt');
      expect((await exchangeCode(t, code, SPA).set('DPoP', dpopProof(dpopKey(), { htu: TOKEN_URL }))).body.error).toBe('invalid_grant');
      const redeemed = await exchangeCode(t, code, SPA).set('DPoP', dpopProof(key, { htu: TOKEN_URL }));
      expect(redeemed.status).toBe(200);
      expect(jwtClaims(redeemed.body.access_token).cnf).toEqual({ jkt: key.jkt });
    });

    it('refuses a malformed dpop_jkt at the authorization endpoint with a redirect (invalid_request)', async () => {
      const res = await request(t.server).get('/api/oauth2/authorize').query({
        response_type: 'code', client_id: 'spa', redirect_uri: SPA_CALLBACK, state: 's', dpop_jkt: 'short',
        code_challenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM', code_challenge_method: 'S256',
      });
      expect(res.status).toBe(302);
      const location = new URL(res.headers.location);
      expect(location.searchParams.get('error')).toBe('invalid_request');
      expect(location.searchParams.get('error_description')).toContain('dpop_jkt');
    });
  });

  describe('UserInfo', () => {
    let bound: string;
    let plain: string;
    beforeAll(async () => {
      const code = await obtainCode(t, { client_id: 'spa', redirect_uri: SPA_CALLBACK, scope: 'openid profile' });
      bound = (await exchangeCode(t, code, SPA).set('DPoP', dpopProof(key, { htu: TOKEN_URL }))).body.access_token;
      const plainCode = await obtainCode(t, { client_id: 'spa', redirect_uri: SPA_CALLBACK, scope: 'openid profile' });
      plain = (await exchangeCode(t, plainCode, SPA)).body.access_token;
    });
    const proofFor = (token: string, overrides: Partial<Parameters<typeof dpopProof>[1]> = {}, by: DpopKey = key) =>
      dpopProof(by, { htm: 'GET', htu: USERINFO_URL, accessToken: token, ...overrides });

    function expectChallenge(res: request.Response, error: string): void {
      expect(res.status).toBe(401);
      expect(res.body.error).toBe(error);
      expect(res.headers['www-authenticate']).toMatch(new RegExp(`^DPoP algs="[^"]*ES256[^"]*", error="${error}"`));
    }

    it('answers a DPoP-bound token sent with the DPoP scheme and a proof by its key', async () => {
      const res = await userinfo(t, `DPoP ${bound}`, proofFor(bound));
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ sub: 'alice', name: 'Alice Example' });
      const viaPost = await request(t.server).post('/api/openid/userinfo').set('authorization', `DPoP ${bound}`)
        .set('DPoP', proofFor(bound, { htm: 'POST' }));
      expect(viaPost.status).toBe(200);
    });

    it('refuses a DPoP-bound token sent as a Bearer token (401 invalid_token)', async () => {
      expectChallenge(await userinfo(t, `Bearer ${bound}`), 'invalid_token');
      expectChallenge(await userinfo(t, `Bearer ${bound}`, proofFor(bound)), 'invalid_token');
      const inBody = await request(t.server).post('/api/openid/userinfo').type('form').send({ access_token: bound });
      expectChallenge(inBody, 'invalid_token');
    });

    it('refuses an unbound token sent with the DPoP scheme (invalid_token)', async () => {
      expectChallenge(await userinfo(t, `DPoP ${plain}`, proofFor(plain)), 'invalid_token');
    });

    it.each<[string, () => string | undefined]>([
      ['no proof', () => undefined],
      ['a proof without ath', () => proofFor(bound, { accessToken: undefined })],
      ['a proof whose ath is another token\'s', () => proofFor(plain)],
      ['a proof for the token endpoint', () => proofFor(bound, { htm: 'POST', htu: TOKEN_URL })],
      ['a proof for POST sent with GET', () => proofFor(bound, { htm: 'POST' })],
      ['a proof by another key than the token\'s', () => proofFor(bound, {}, dpopKey())],
      ['an expired proof', () => proofFor(bound, { iat: Math.floor(Date.now() / 1000) - 120 })],
    ])('refuses %s with 401 and WWW-Authenticate: DPoP error="invalid_dpop_proof"', async (_label, proof) => {
      expectChallenge(await userinfo(t, `DPoP ${bound}`, proof()), 'invalid_dpop_proof');
    });

    it('refuses a replayed proof', async () => {
      const proof = proofFor(bound);
      expect((await userinfo(t, `DPoP ${bound}`, proof)).status).toBe(200);
      expectChallenge(await userinfo(t, `DPoP ${bound}`, proof), 'invalid_dpop_proof');
    });

    it('still serves Bearer tokens as before, and advertises DPoP when no token is sent', async () => {
      expect((await userinfo(t, `Bearer ${plain}`)).status).toBe(200);
      const none = await request(t.server).get('/api/openid/userinfo');
      expect(none.status).toBe(401);
      expect(none.headers['www-authenticate']).toMatch(/^Bearer realm="sympauthy", DPoP algs="/);
    });
  });

  it('advertises dpop_signing_alg_values_supported: asymmetric algorithms only', async () => {
    const metadata = (await request(t.server).get('/.well-known/oauth-authorization-server')).body;
    expect(metadata.dpop_signing_alg_values_supported).toEqual(expect.arrayContaining(['ES256', 'PS256', 'RS256', 'EdDSA']));
    expect(metadata.dpop_signing_alg_values_supported.some((alg: string) => alg === 'none' || alg.startsWith('HS'))).toBe(false);
  });
});

describe('DPoP required for every client (token.dpop-required)', () => {
  let t: TestApp;
  beforeAll(async () => { t = await startTestApp(config({ token: { 'dpop-required': true } })); });
  afterAll(async () => t.close());

  it('refuses a token request without a proof, from any client', async () => {
    expectDpopError(await clientCredentials(t));
    const code = await obtainCode(t, { client_id: 'web-app', redirect_uri: WEB_APP_CALLBACK, scope: 'openid' });
    expectDpopError(await exchangeCode(t, code, WEB_APP));
    expect((await exchangeCode(t, code, WEB_APP).set('DPoP', dpopProof(dpopKey(), { htu: TOKEN_URL }))).status).toBe(200);
  });
});

describe('DPoP server nonces (token.dpop-nonce, RFC 9449 §8)', () => {
  let t: TestApp;
  const key = dpopKey();
  beforeAll(async () => { t = await startTestApp(config({ token: { 'dpop-nonce': true } })); });
  afterAll(async () => t.close());

  it('answers a proof without a nonce with use_dpop_nonce and a DPoP-Nonce header, then accepts the nonce', async () => {
    const first = await clientCredentials(t, dpopProof(key, { htu: TOKEN_URL }));
    expectDpopError(first, 'use_dpop_nonce');
    const nonce = first.headers['dpop-nonce'];
    expect(nonce).toEqual(expect.any(String));
    const second = await clientCredentials(t, dpopProof(key, { htu: TOKEN_URL, nonce }));
    expect(second.status).toBe(200);
    expect(second.body.token_type).toBe('DPoP');
    expect(second.headers['dpop-nonce']).toEqual(expect.any(String));
  });

  it('answers a nonce it never issued with use_dpop_nonce', async () => {
    const res = await clientCredentials(t, dpopProof(key, { htu: TOKEN_URL, nonce: 'made-up' }));
    expectDpopError(res, 'use_dpop_nonce');
    expect(res.headers['dpop-nonce']).toEqual(expect.any(String));
  });

  it('asks for the nonce at UserInfo too: 401, WWW-Authenticate: DPoP error="use_dpop_nonce" and DPoP-Nonce', async () => {
    const nonce = (await clientCredentials(t, dpopProof(key, { htu: TOKEN_URL }))).headers['dpop-nonce'];
    const code = await obtainCode(t, { client_id: 'spa', redirect_uri: SPA_CALLBACK, scope: 'openid' });
    const token = (await exchangeCode(t, code, SPA).set('DPoP', dpopProof(key, { htu: TOKEN_URL, nonce }))).body.access_token;
    const res = await userinfo(t, `DPoP ${token}`, dpopProof(key, { htm: 'GET', htu: USERINFO_URL, accessToken: token }));
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toContain('error="use_dpop_nonce"');
    const retried = await userinfo(t, `DPoP ${token}`, dpopProof(key, { htm: 'GET', htu: USERINFO_URL, accessToken: token, nonce: res.headers['dpop-nonce'] }));
    expect(retried.status).toBe(200);
    // Every answer to a DPoP request carries a fresh nonce, the successful one too.
    expect(retried.headers['dpop-nonce']).toEqual(expect.any(String));
    expect((await userinfo(t, `DPoP ${token}`, 'not-a-proof')).headers['dpop-nonce']).toEqual(expect.any(String));
    // A Bearer request is no DPoP request: no nonce.
    expect((await userinfo(t, `Bearer ${token}`)).headers['dpop-nonce']).toBeUndefined();
  });

  it('sends no nonce and does no DPoP work for requests without a proof', async () => {
    const res = await clientCredentials(t);
    expect(res.status).toBe(200);
    expect(res.headers['dpop-nonce']).toBeUndefined();
  });
});
