import { createPublicKey } from 'node:crypto';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import request from 'supertest';
import { claimsOf, fetchJwks, verifyAccessToken } from './support/resource-server.js';
import { Algorithm, generateTestKey, writeKeyFile } from './support/test-keys.js';
import { TEST_ROOT, TestApp, baseConfig, startTestApp } from './support/test-app.js';

/**
 * Access tokens as a resource server sees them (RFC 9068): a JWT with `typ: at+jwt` verified
 * against the served JWKS, with `iss`, `sub`, `aud`, `client_id`, `iat`, `exp`, `jti`, `scope`.
 */
describe('access tokens (RFC 9068), verified like a resource server', () => {
  const TOKEN = '/api/oauth2/token';
  const issue = async (t: TestApp, params: Record<string, string> = {}): Promise<string> => {
    const res = await request(t.server).post(TOKEN).auth('svc', 'svc-secret').type('form')
      .send({ grant_type: 'client_credentials', ...params });
    expect(res.status).toBe(200);
    return res.body.access_token as string;
  };

  describe('with the default (generated ES256) keys', () => {
    let t: TestApp;
    beforeAll(async () => {
      t = await startTestApp(baseConfig({
        audiences: { api: { 'token-audience': 'https://api.test' } },
        scopes: { 'reports:write': {} },
        clients: { svc: { secret: 'svc-secret', 'allowed-grant-types': ['client_credentials'], audience: 'api', 'default-scopes': ['reports:write'] } },
      }));
    });
    afterAll(async () => t.close());

    it('has an ES256 header with typ at+jwt and the kid of a published access-token key', async () => {
      const token = await issue(t);
      const header = decodeProtectedHeader(token);
      expect(header).toEqual({ alg: 'ES256', typ: 'at+jwt', kid: expect.any(String) });
      const jwks = await fetchJwks(t);
      const published = jwks.keys.find((k) => k.kid === header.kid);
      expect(published).toMatchObject({ kty: 'EC', crv: 'P-256', alg: 'ES256', use: 'sig' });
      expect(header.kid).toBe(t.configuration.keys.active('access-token').id);
      expect(header.kid).not.toBe(t.configuration.keys.active('id-token').id);
    });

    it('verifies with jose against the served JWKS, with every RFC 9068 claim', async () => {
      const before = Math.floor(Date.now() / 1000);
      const token = await issue(t, { scope: 'reports:write' });
      const { payload, protectedHeader } = await verifyAccessToken(await fetchJwks(t), token, { issuer: TEST_ROOT, audience: 'https://api.test' });
      expect(protectedHeader.typ).toBe('at+jwt');
      expect(payload).toEqual({
        iss: TEST_ROOT,
        sub: 'svc',
        aud: 'https://api.test',
        client_id: 'svc',
        iat: expect.any(Number),
        exp: expect.any(Number),
        jti: expect.any(String),
        scope: 'reports:write',
      });
      expect(payload.iat).toBeGreaterThanOrEqual(before);
      expect(payload.iat).toBeLessThanOrEqual(Math.floor(Date.now() / 1000));
      expect(payload.exp! - payload.iat!).toBe(900);
      expect(payload.jti!.length).toBeGreaterThanOrEqual(16);
    });

    it('gives every token a different jti', async () => {
      const [a, b] = await Promise.all([issue(t), issue(t)]);
      expect(claimsOf(a).jti).not.toBe(claimsOf(b).jti);
    });

    it('is rejected by a resource server expecting another issuer, audience or typ', async () => {
      const jwks = await fetchJwks(t);
      const token = await issue(t);
      await expect(verifyAccessToken(jwks, token, { issuer: 'http://other.test', audience: 'https://api.test' })).rejects.toThrow(/iss/);
      await expect(verifyAccessToken(jwks, token, { issuer: TEST_ROOT, audience: 'https://elsewhere.test' })).rejects.toThrow(/aud/);
      await expect(jwtVerify(token, createLocalJWKSet(jwks), { typ: 'JWT' })).rejects.toThrow(/typ/);
    });

    it('fails verification once a claim is altered', async () => {
      const token = await issue(t);
      const [h, , s] = token.split('.');
      const forged = Buffer.from(JSON.stringify({ ...claimsOf(token), sub: 'admin' })).toString('base64url');
      await expect(verifyAccessToken(await fetchJwks(t), `${h}.${forged}.${s}`, { issuer: TEST_ROOT, audience: 'https://api.test' }))
        .rejects.toThrow(/signature/);
    });
  });

  type Source = 'private-key-file' | 'inline PEM' | 'private JWK' | 'env var with \\n';
  const cases: [Algorithm, Source, { kty: string; crv?: string }][] = [];
  for (const [algorithm, shape] of [['ES256', { kty: 'EC', crv: 'P-256' }], ['RS256', { kty: 'RSA' }], ['EdDSA', { kty: 'OKP', crv: 'Ed25519' }]] as const) {
    for (const source of ['private-key-file', 'inline PEM', 'private JWK', 'env var with \\n'] as const) cases.push([algorithm, source, shape]);
  }

  it.each(cases)('signs with a configured %s key given as %s', async (algorithm, source, shape) => {
    const key = generateTestKey(algorithm);
    const env: Record<string, string> = {};
    let entry: Record<string, string>;
    switch (source) {
      case 'private-key-file': entry = { 'private-key-file': writeKeyFile(key.pem) }; break;
      case 'inline PEM': entry = { 'private-key': key.pem }; break;
      case 'private JWK': entry = { 'private-key': key.jwkJson }; break;
      default:
        env.ACCESS_TOKEN_KEY = key.pem.replace(/\n/g, '\\n');
        entry = { 'private-key': '${ACCESS_TOKEN_KEY}' };
    }
    const t = await startTestApp(baseConfig({ keys: { 'access-token': [{ id: 'at-test', algorithm, ...entry }] } }), { env });
    try {
      const token = await issue(t);
      expect(decodeProtectedHeader(token)).toEqual({ alg: algorithm, typ: 'at+jwt', kid: 'at-test' });
      const jwks = await fetchJwks(t);
      expect(jwks.keys.find((k) => k.kid === 'at-test')).toMatchObject({ ...shape, alg: algorithm, use: 'sig' });
      const { payload } = await verifyAccessToken(jwks, token, { issuer: TEST_ROOT, audience: 'default' });
      expect(payload).toMatchObject({ sub: 'svc', client_id: 'svc' });
      // The public key served is the one of the configured private key.
      const expectedPublic = createPublicKey(key.privateKey).export({ format: 'jwk' });
      const served = jwks.keys.find((k) => k.kid === 'at-test') as Record<string, unknown>;
      for (const member of Object.keys(expectedPublic)) expect(served[member]).toBe((expectedPublic as Record<string, unknown>)[member]);
    } finally {
      await t.close();
    }
  });
});
