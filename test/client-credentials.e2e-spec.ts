import bcrypt from 'bcrypt';
import request from 'supertest';
import { expectOAuthError } from './support/oauth-error-expectations.js';
import { claimsOf, fetchJwks, verifyAccessToken } from './support/resource-server.js';
import { TEST_ROOT, TestApp, baseConfig, startTestApp } from './support/test-app.js';

/** The client credentials grant (SPEC §1 and §2; RFC 6749 §4.4; RFC 9068 claims). */
describe('client credentials grant', () => {
  const TOKEN = '/api/oauth2/token';
  /** RFC 6749 §2.3.1: Basic credentials are form-urlencoded before base64. */
  const SPECIAL_SECRET = 'p@ss:w%rd+ é/&=';
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp(baseConfig({
      audiences: {
        api: { 'token-audience': 'https://api.test' },
        billing: { 'token-audience': 'https://billing.test' },
        reports: {},
      },
      scopes: {
        'invoices:read': { audience: 'billing' },
        'reports:write': { audience: 'reports' },
        'plain:scope': {},
      },
      token: { 'access-token': { lifespan: '5m' } },
      clients: {
        'web-app': { secret: 'web-secret', 'allowed-redirect-uris': ['https://app.test/callback'] },
        spa: { public: true, 'allowed-redirect-uris': ['http://127.0.0.1/callback'] },
        svc: {
          secret: 'svc-secret',
          'allowed-grant-types': ['client_credentials'],
          'allowed-scopes': ['invoices:read', 'reports:write', 'plain:scope'],
          'default-scopes': ['plain:scope'],
          audience: 'api',
        },
        'svc-defaults': { secret: 'defaults-secret', 'allowed-grant-types': ['client_credentials'] },
        'svc-narrow': { secret: 'narrow-secret', 'allowed-grant-types': ['client_credentials'], 'allowed-scopes': ['plain:scope'] },
        'svc-hashed': { secret: bcrypt.hashSync('hashed-secret', 4), 'allowed-grant-types': ['client_credentials'] },
        'svc special': { secret: SPECIAL_SECRET, 'allowed-grant-types': ['client_credentials'] },
      },
    }));
  });
  afterAll(async () => t.close());

  const viaBasic = (id: string, secret: string, params: Record<string, string> = {}) =>
    request(t.server).post(TOKEN).auth(id, secret).type('form').send({ grant_type: 'client_credentials', ...params });
  const viaPost = (id: string, secret: string, params: Record<string, string> = {}) =>
    request(t.server).post(TOKEN).type('form').send({ grant_type: 'client_credentials', client_id: id, client_secret: secret, ...params });

  describe('client authentication', () => {
    it('issues a token with client_secret_basic', async () => {
      const res = await viaBasic('svc', 'svc-secret');
      expect(res.status).toBe(200);
      expect(claimsOf(res.body.access_token).client_id).toBe('svc');
    });

    it('issues a token with client_secret_post', async () => {
      const res = await viaPost('svc', 'svc-secret');
      expect(res.status).toBe(200);
      expect(claimsOf(res.body.access_token).client_id).toBe('svc');
    });

    it('decodes form-urlencoded Basic credentials (RFC 6749 §2.3.1)', async () => {
      const encoded = (s: string) => encodeURIComponent(s).replace(/%20/g, '+');
      const header = `Basic ${Buffer.from(`${encoded('svc special')}:${encoded(SPECIAL_SECRET)}`).toString('base64')}`;
      const res = await request(t.server).post(TOKEN).set('Authorization', header).type('form').send({ grant_type: 'client_credentials' });
      expect(res.status).toBe(200);
      expect(claimsOf(res.body.access_token).sub).toBe('svc special');
      expect((await viaPost('svc special', SPECIAL_SECRET)).status).toBe(200);
    });

    it('accepts a bcrypt-hashed secret, and refuses a wrong one', async () => {
      expect((await viaBasic('svc-hashed', 'hashed-secret')).status).toBe(200);
      expectOAuthError(await viaBasic('svc-hashed', 'hashed-secreT'), 401, 'invalid_client');
      // The hash itself is not the secret.
      const hash = t.configuration.clients.find('svc-hashed')!.secret;
      expect(hash?.kind).toBe('bcrypt');
      expectOAuthError(await viaPost('svc-hashed', (hash as { hash: string }).hash), 401, 'invalid_client');
    });

    it('refuses a wrong secret', async () => {
      expectOAuthError(await viaBasic('svc', 'svc-secreT'), 401, 'invalid_client');
      expectOAuthError(await viaPost('svc', ''), 401, 'invalid_client');
    });
  });

  describe('confidential clients only', () => {
    it('is unauthorized_client for a public client', async () => {
      const res = await request(t.server).post(TOKEN).type('form').send({ grant_type: 'client_credentials', client_id: 'spa' });
      expectOAuthError(res, 400, 'unauthorized_client');
    });
  });

  describe('the response', () => {
    it('is exactly {access_token, token_type: Bearer, expires_in, scope}, no refresh token, not cacheable', async () => {
      const res = await viaBasic('svc', 'svc-secret', { scope: 'plain:scope' });
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.headers['cache-control']).toBe('no-store');
      expect(Object.keys(res.body).sort()).toEqual(['access_token', 'expires_in', 'scope', 'token_type']);
      expect(res.body.refresh_token).toBeUndefined();
      expect(res.body.id_token).toBeUndefined();
      expect(res.body.token_type).toBe('Bearer');
      expect(typeof res.body.access_token).toBe('string');
      expect(res.body.scope).toBe('plain:scope');
    });

    it('takes its lifespan from token.access-token.lifespan (5m here)', async () => {
      const before = Math.floor(Date.now() / 1000);
      const res = await viaBasic('svc', 'svc-secret');
      const after = Math.floor(Date.now() / 1000);
      expect(res.body.expires_in).toBe(300);
      const claims = claimsOf(res.body.access_token) as { iat: number; exp: number };
      expect(claims.exp - claims.iat).toBe(300);
      expect(claims.iat).toBeGreaterThanOrEqual(before);
      expect(claims.iat).toBeLessThanOrEqual(after);
    });

    it('defaults the lifespan to 15 minutes', async () => {
      const other = await startTestApp(baseConfig());
      try {
        const res = await request(other.server).post(TOKEN).auth('svc', 'svc-secret').type('form').send({ grant_type: 'client_credentials' });
        expect(res.body.expires_in).toBe(900);
        const claims = claimsOf(res.body.access_token) as { iat: number; exp: number };
        expect(claims.exp - claims.iat).toBe(900);
      } finally {
        await other.close();
      }
    });

    it('makes the client its own subject', async () => {
      const claims = claimsOf((await viaBasic('svc', 'svc-secret')).body.access_token);
      expect(claims).toMatchObject({ sub: 'svc', client_id: 'svc', iss: TEST_ROOT });
    });
  });

  describe('scope', () => {
    it('grants the requested scopes the client is allowed, in the response and the token', async () => {
      const res = await viaBasic('svc', 'svc-secret', { scope: 'reports:write plain:scope' });
      expect(res.status).toBe(200);
      expect(res.body.scope.split(' ').sort()).toEqual(['plain:scope', 'reports:write']);
      expect(claimsOf(res.body.access_token).scope).toBe(res.body.scope);
    });

    it('silently drops configured scopes outside allowed-scopes', async () => {
      const res = await viaBasic('svc', 'svc-secret', { scope: 'email plain:scope openid' });
      expect(res.status).toBe(200);
      expect(res.body.scope).toBe('plain:scope');
      expect(claimsOf(res.body.access_token).scope).toBe('plain:scope');
    });

    it('answers invalid_scope for a scope that is not configured at all, even next to allowed ones', async () => {
      expectOAuthError(await viaBasic('svc', 'svc-secret', { scope: 'plain:scope no-such-scope' }), 400, 'invalid_scope');
      expectOAuthError(await viaPost('svc', 'svc-secret', { scope: 'no-such-scope' }), 400, 'invalid_scope');
    });

    it('uses default-scopes when no scope is sent', async () => {
      const res = await viaBasic('svc', 'svc-secret');
      expect(res.body.scope).toBe('plain:scope');
      expect(claimsOf(res.body.access_token).scope).toBe('plain:scope');
    });

    it('collapses repeated and extra spaces in the scope parameter', async () => {
      const res = await viaBasic('svc', 'svc-secret', { scope: '  plain:scope   plain:scope reports:write ' });
      expect(res.status).toBe(200);
      expect(res.body.scope.split(' ').sort()).toEqual(['plain:scope', 'reports:write']);
    });

    it('treats an empty allowed-scopes as every configured scope', async () => {
      const res = await viaBasic('svc-defaults', 'defaults-secret', { scope: 'email invoices:read' });
      expect(res.status).toBe(200);
      expect(res.body.scope.split(' ').sort()).toEqual(['email', 'invoices:read']);
    });
  });

  describe('audience', () => {
    it("puts the token-audience of the client's audience in aud", async () => {
      const res = await viaBasic('svc', 'svc-secret', { scope: 'plain:scope' });
      expect(claimsOf(res.body.access_token).aud).toBe('https://api.test');
    });

    it('uses the default audience for a client that names none', async () => {
      const res = await viaBasic('svc-defaults', 'defaults-secret', { scope: 'email' });
      expect(claimsOf(res.body.access_token).aud).toBe('default');
    });

    it('adds the audiences of granted custom scopes (token-audience, or the audience id)', async () => {
      const res = await viaBasic('svc', 'svc-secret', { scope: 'invoices:read reports:write' });
      expect(claimsOf(res.body.access_token).aud).toEqual(['https://api.test', 'https://billing.test', 'reports']);
    });

    it('does not add the audience of a scope that was dropped', async () => {
      const res = await viaBasic('svc-narrow', 'narrow-secret', { scope: 'invoices:read plain:scope' });
      expect(res.body.scope).toBe('plain:scope');
      expect(claimsOf(res.body.access_token).aud).toBe('default');
    });

    it('verifies at a resource server of each audience', async () => {
      const jwks = await fetchJwks(t);
      const token = (await viaBasic('svc', 'svc-secret', { scope: 'invoices:read' })).body.access_token as string;
      for (const audience of ['https://api.test', 'https://billing.test']) {
        const { payload } = await verifyAccessToken(jwks, token, { issuer: TEST_ROOT, audience });
        expect(payload.sub).toBe('svc');
      }
      await expect(verifyAccessToken(jwks, token, { issuer: TEST_ROOT, audience: 'reports' })).rejects.toThrow(/aud/);
    });
  });
});
