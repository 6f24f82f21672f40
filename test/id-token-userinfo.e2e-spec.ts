import { createHash } from 'node:crypto';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import type { JSONWebKeySet, JWTPayload } from 'jose';
import request from 'supertest';
import { obtainCode } from './support/browser-flow.js';
import { TEST_ROOT, TestApp, baseConfig, startTestApp } from './support/test-app.js';
import { SVC, TokenSet, WEB_APP, WEB_APP_CALLBACK, exchangeCode, revoke, signInAndExchange, tokenRequest } from './support/token-endpoint.js';

/**
 * ID tokens (OIDC Core §2, §3.1.3.6; SPEC §2 Tokens) verified as a relying party would, against
 * the published JWKS, and UserInfo (OIDC Core §5.3, RFC 6750 §2–3) returning claims by scope.
 */
describe('ID token and UserInfo', () => {
  let t: TestApp;
  let jwks: ReturnType<typeof createLocalJWKSet>;
  beforeAll(async () => {
    t = await startTestApp(baseConfig());
    const res = await request(t.server).get('/.well-known/public.jwk');
    expect(res.status).toBe(200);
    jwks = createLocalJWKSet(JSON.parse(res.text) as JSONWebKeySet);
  });
  afterAll(async () => t.close());

  async function tokensFor(scope: string, nonce?: string): Promise<TokenSet> {
    return signInAndExchange(t, WEB_APP, WEB_APP_CALLBACK, nonce === undefined ? { scope } : { scope, nonce });
  }

  async function verifiedIdToken(tokens: TokenSet): Promise<JWTPayload> {
    const { payload } = await jwtVerify(tokens.id_token!, jwks, { issuer: TEST_ROOT, audience: 'web-app' });
    return payload;
  }

  function userinfo(accessToken: string): request.Test {
    return request(t.server).get('/api/openid/userinfo').set('authorization', `Bearer ${accessToken}`);
  }

  describe('ID token', () => {
    it('is signed by the ID-token key published in the JWKS, not by the access-token key', async () => {
      const tokens = await tokensFor('openid');
      const idHeader = decodeProtectedHeader(tokens.id_token!);
      const atHeader = decodeProtectedHeader(tokens.access_token);
      expect(idHeader.kid).toEqual(expect.any(String));
      expect(idHeader.kid).not.toBe(atHeader.kid);
      expect(atHeader.typ).toBe('at+jwt');
      await expect(verifiedIdToken(tokens)).resolves.toBeDefined();
      // An access token is no ID token: its key verifies it, but it says so in typ.
      expect(idHeader.typ).not.toBe('at+jwt');
    });

    it('carries iss, sub, aud, exp, iat, auth_time, the nonce and a correct at_hash', async () => {
      const before = Math.floor(Date.now() / 1000);
      const tokens = await tokensFor('openid', 'nonce-xyz');
      const after = Math.floor(Date.now() / 1000);
      const claims = await verifiedIdToken(tokens);
      expect(claims.iss).toBe(TEST_ROOT);
      expect(claims.sub).toBe('alice');
      expect(claims.aud).toBe('web-app');
      expect(claims.nonce).toBe('nonce-xyz');
      expect(claims.iat).toBeGreaterThanOrEqual(before);
      expect(claims.iat).toBeLessThanOrEqual(after);
      expect(claims.exp).toBeGreaterThan(claims.iat!);
      expect(claims.auth_time).toBeGreaterThanOrEqual(before);
      expect(claims.auth_time).toBeLessThanOrEqual(claims.iat!);
      const digest = createHash('sha256').update(tokens.access_token, 'ascii').digest();
      expect(claims.at_hash).toBe(digest.subarray(0, 16).toString('base64url'));
    });

    it('has no nonce when none was sent', async () => {
      const claims = await verifiedIdToken(await tokensFor('openid'));
      expect(claims).not.toHaveProperty('nonce');
    });

    it('fails verification once tampered with', async () => {
      const tokens = await tokensFor('openid');
      const [header, payload, signature] = tokens.id_token!.split('.');
      const forged = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8'));
      forged.sub = 'mallory';
      const tampered = [header, Buffer.from(JSON.stringify(forged)).toString('base64url'), signature].join('.');
      await expect(jwtVerify(tampered, jwks, { issuer: TEST_ROOT, audience: 'web-app' })).rejects.toThrow();
    });

    it.each([
      ['openid', [], ['name', 'email', 'email_verified', 'phone_number']],
      ['openid profile', ['name'], ['email', 'email_verified', 'phone_number']],
      ['openid email', ['email', 'email_verified'], ['name', 'phone_number']],
      ['openid profile email phone', ['name', 'email', 'email_verified', 'phone_number'], []],
    ])('with scope "%s" carries exactly the claims of the granted scopes', async (scope, present, absent) => {
      const claims = await verifiedIdToken(await tokensFor(scope));
      for (const claim of present) expect(claims).toHaveProperty(claim);
      for (const claim of absent) expect(claims).not.toHaveProperty(claim);
      if (present.includes('email')) expect(claims.email).toBe('alice@example.com');
    });

    it('is not issued without openid', async () => {
      const tokens = await tokensFor('profile email');
      expect(tokens.id_token).toBeUndefined();
      expect(tokens.access_token).toEqual(expect.any(String));
    });
  });

  describe('UserInfo', () => {
    it('returns sub and the claims of the granted scopes, by GET and by POST', async () => {
      const tokens = await tokensFor('openid email');
      const get = await userinfo(tokens.access_token);
      expect(get.status).toBe(200);
      expect(get.headers['cache-control']).toBe('no-store');
      expect(get.body).toEqual({ sub: 'alice', email: 'alice@example.com', email_verified: true });
      const post = await request(t.server).post('/api/openid/userinfo').set('authorization', `Bearer ${tokens.access_token}`);
      expect(post.status).toBe(200);
      expect(post.body).toEqual(get.body);
    });

    it('returns sub only for openid alone, and the profile claims for profile', async () => {
      expect((await userinfo((await tokensFor('openid')).access_token)).body).toEqual({ sub: 'alice' });
      expect((await userinfo((await tokensFor('openid profile')).access_token)).body).toEqual({ sub: 'alice', name: 'Alice Example' });
    });

    it('accepts the token in a POST form body (RFC 6750 §2.2)', async () => {
      const tokens = await tokensFor('openid profile');
      const res = await request(t.server).post('/api/openid/userinfo').type('form').send({ access_token: tokens.access_token });
      expect(res.status).toBe(200);
      expect(res.body).toEqual({ sub: 'alice', name: 'Alice Example' });
    });

    it('answers 401 with WWW-Authenticate: Bearer when no token is sent', async () => {
      for (const res of [await request(t.server).get('/api/openid/userinfo'), await request(t.server).post('/api/openid/userinfo')]) {
        expect(res.status).toBe(401);
        expect(res.headers['www-authenticate']).toMatch(/^Bearer /);
        expect(res.headers['www-authenticate']).not.toContain('error=');
      }
    });

    it.each([
      ['garbage', 'Bearer not-a-token'],
      ['a wrong scheme', 'Basic d2ViLWFwcDp3ZWItc2VjcmV0'],
    ])('answers 401 invalid_token for %s', async (_label, authorization) => {
      const res = await request(t.server).get('/api/openid/userinfo').set('authorization', authorization);
      expect(res.status).toBe(401);
      expect(res.body.error).toBe('invalid_token');
      expect(res.headers['www-authenticate']).toMatch(/^Bearer .*error="invalid_token"/);
    });

    it('answers 401 invalid_token for an ID token used as access token', async () => {
      const tokens = await tokensFor('openid');
      const res = await userinfo(tokens.id_token!);
      expect(res.status).toBe(401);
      expect(res.body.error).toBe('invalid_token');
    });

    it('answers 401 invalid_token for a revoked access token', async () => {
      const tokens = await tokensFor('openid');
      expect((await userinfo(tokens.access_token)).status).toBe(200);
      expect((await revoke(t, tokens.access_token, WEB_APP)).status).toBe(200);
      const res = await userinfo(tokens.access_token);
      expect(res.status).toBe(401);
      expect(res.body.error).toBe('invalid_token');
      expect(res.headers['www-authenticate']).toContain('error="invalid_token"');
    });

    it('answers 403 insufficient_scope for a client-credentials token', async () => {
      const cc = await tokenRequest(t, { grant_type: 'client_credentials' }, SVC);
      expect(cc.status).toBe(200);
      const res = await userinfo(cc.body.access_token);
      expect(res.status).toBe(403);
      expect(res.body.error).toBe('insufficient_scope');
      expect(res.headers['www-authenticate']).toContain('error="insufficient_scope"');
    });

    it('answers 403 insufficient_scope for a client-credentials token that was granted openid', async () => {
      const cc = await tokenRequest(t, { grant_type: 'client_credentials', scope: 'openid profile' }, SVC);
      expect(cc.status).toBe(200);
      expect(cc.body.scope).toBe('openid profile');
      const res = await userinfo(cc.body.access_token);
      expect(res.status).toBe(403);
      expect(res.body.error).toBe('insufficient_scope');
    });

    it('answers 403 insufficient_scope for a user token without openid', async () => {
      const tokens = await tokensFor('profile');
      const res = await userinfo(tokens.access_token);
      expect(res.status).toBe(403);
      expect(res.body.error).toBe('insufficient_scope');
    });

    it('refuses a token in the query string, even a valid one', async () => {
      const tokens = await tokensFor('openid');
      const res = await request(t.server).get(`/api/openid/userinfo?access_token=${encodeURIComponent(tokens.access_token)}`);
      expect(res.status).toBeGreaterThanOrEqual(400);
      expect(res.status).toBeLessThan(500);
      expect(res.body.sub).toBeUndefined();
      const both = await request(t.server).get(`/api/openid/userinfo?access_token=${encodeURIComponent(tokens.access_token)}`)
        .set('authorization', `Bearer ${tokens.access_token}`);
      expect(both.status).toBe(400);
      expect(both.body.sub).toBeUndefined();
    });
  });

  it('issues the code-flow ID token from a code without openid only when openid was granted', async () => {
    const result = await obtainCode(t, { client_id: 'web-app', redirect_uri: WEB_APP_CALLBACK, scope: 'email' });
    const res = await exchangeCode(t, result, WEB_APP);
    expect(res.status).toBe(200);
    expect(res.body.scope).toBe('email');
    expect(res.body.id_token).toBeUndefined();
  });
});
