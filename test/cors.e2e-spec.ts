import request from 'supertest';
import { obtainCode, pkcePair } from './support/browser-flow.js';
import { TestApp, baseConfig, startTestApp } from './support/test-app.js';
import { SPA, TokenSet, WEB_APP, WEB_APP_CALLBACK, exchangeCode, introspect, postAsClient, revoke } from './support/token-endpoint.js';

const SPA_ORIGIN = 'https://spa.test';
const SPA_CALLBACK = `${SPA_ORIGIN}/callback`;
const SPA_ADMIN_ORIGIN = 'https://admin.spa.test';
const TEMPLATE_ORIGIN = 'https://portal.test';

/**
 * CORS for browser applications (issue 8 item 5, docs/cors.md): discovery and the JWKS answer any
 * origin; the token, revocation, introspection and UserInfo endpoints answer the origins of the
 * client named in the request — its redirect URIs' and its `allowed-origins` — and nothing else.
 */
describe('CORS', () => {
  let t: TestApp;
  beforeAll(async () => {
    const config = baseConfig();
    const clients = config.clients as Record<string, Record<string, unknown>>;
    clients.spa['allowed-redirect-uris'] = ['http://127.0.0.1/callback', SPA_CALLBACK];
    clients.spa['allowed-origins'] = [SPA_ADMIN_ORIGIN];
    clients.portal = { public: true, template: 'browser-app', 'allowed-redirect-uris': ['com.example.portal:/cb'] };
    t = await startTestApp({ ...config, templates: { clients: { 'browser-app': { 'allowed-origins': [TEMPLATE_ORIGIN] } } } });
  });
  afterAll(async () => t.close());

  function expectNoCors(res: request.Response): void {
    expect(Object.keys(res.headers).filter((h) => h.startsWith('access-control-'))).toEqual([]);
  }

  function expectReadableBy(res: request.Response, origin: string): void {
    expect(res.headers['access-control-allow-origin']).toBe(origin);
    expect(res.headers['access-control-allow-credentials']).toBeUndefined();
    expect(res.headers['access-control-expose-headers']).toBe('WWW-Authenticate, DPoP-Nonce');
    expect(res.headers.vary).toMatch(/\bOrigin\b/);
  }

  async function spaTokens(origin = SPA_ORIGIN): Promise<TokenSet> {
    const code = await obtainCode(t, { client_id: 'spa', redirect_uri: SPA_CALLBACK, scope: 'openid profile' });
    const res = await exchangeCode(t, code, SPA).set('origin', origin);
    expect(res.status).toBe(200);
    return res.body as TokenSet;
  }

  describe('discovery and the JWKS: any origin', () => {
    it.each(['/.well-known/openid-configuration', '/.well-known/oauth-authorization-server', '/.well-known/public.jwk'])('%s answers Access-Control-Allow-Origin: *', async (path) => {
      const res = await request(t.server).get(path).set('origin', 'https://anyone.test');
      expect(res.status).toBe(200);
      expect(res.headers['access-control-allow-origin']).toBe('*');
      expect(res.headers['access-control-allow-credentials']).toBeUndefined();
    });

    it('answers a preflight from any origin for GET', async () => {
      const res = await request(t.server).options('/.well-known/public.jwk')
        .set('origin', 'https://anyone.test').set('access-control-request-method', 'GET').set('access-control-request-headers', 'x-requested-with');
      expect(res.status).toBe(204);
      expect(res.headers['access-control-allow-origin']).toBe('*');
      expect(res.headers['access-control-allow-methods']).toBe('GET, HEAD');
      expect(res.headers['access-control-allow-headers']).toBe('*');
    });
  });

  describe('preflight of the client endpoints', () => {
    it.each([
      ['/api/oauth2/token', 'POST', 'POST'],
      ['/api/oauth2/par', 'POST', 'POST'],
      ['/api/oauth2/revoke', 'POST', 'POST'],
      ['/api/oauth2/introspect', 'POST', 'POST'],
      ['/api/openid/userinfo', 'GET', 'GET, POST'],
    ])('%s: a registered origin may %s with Authorization', async (path, method, methods) => {
      const res = await request(t.server).options(path)
        .set('origin', SPA_ORIGIN).set('access-control-request-method', method).set('access-control-request-headers', 'authorization');
      expect(res.status).toBe(204);
      expect(res.headers['access-control-allow-origin']).toBe(SPA_ORIGIN);
      expect(res.headers['access-control-allow-methods']).toBe(methods);
      expect(res.headers['access-control-allow-headers']).toBe('Authorization, Content-Type, DPoP');
      expect(res.headers['access-control-max-age']).toBe('600');
      expect(res.headers['access-control-allow-credentials']).toBeUndefined();
      expect(res.headers.vary).toBe('Origin');
    });

    it('answers for an origin of allowed-origins, and of a template', async () => {
      for (const origin of [SPA_ADMIN_ORIGIN, TEMPLATE_ORIGIN]) {
        const res = await request(t.server).options('/api/oauth2/token').set('origin', origin).set('access-control-request-method', 'POST');
        expect(res.status).toBe(204);
        expect(res.headers['access-control-allow-origin']).toBe(origin);
      }
    });

    it('answers a loopback origin on any port, like the loopback redirect URI it comes from', async () => {
      const res = await request(t.server).options('/api/oauth2/token').set('origin', 'http://127.0.0.1:45678').set('access-control-request-method', 'POST');
      expect(res.status).toBe(204);
      expect(res.headers['access-control-allow-origin']).toBe('http://127.0.0.1:45678');
    });

    it('refuses a method the endpoint does not serve', async () => {
      const res = await request(t.server).options('/api/oauth2/token').set('origin', SPA_ORIGIN).set('access-control-request-method', 'PUT');
      expect(res.status).toBe(403);
      expectNoCors(res);
    });

    it('answers a plain OPTIONS (no preflight) with Allow and no CORS headers', async () => {
      const res = await request(t.server).options('/api/openid/userinfo');
      expect(res.status).toBe(204);
      expect(res.headers.allow).toBe('GET, POST, OPTIONS');
      expectNoCors(res);
    });
  });

  describe('requests of the client endpoints', () => {
    it('a public SPA exchanges its code, refreshes, introspects, calls UserInfo and revokes from its origin', async () => {
      const tokens = await spaTokens();
      const refreshed = await postAsClient(t, '/api/oauth2/token', { grant_type: 'refresh_token', refresh_token: tokens.refresh_token! }, SPA).set('origin', SPA_ORIGIN);
      expect(refreshed.status).toBe(200);
      expectReadableBy(refreshed, SPA_ORIGIN);
      const access = (refreshed.body as TokenSet).access_token;

      const info = await request(t.server).get('/api/openid/userinfo').set('authorization', `Bearer ${access}`).set('origin', SPA_ORIGIN);
      expect(info.status).toBe(200);
      expect(info.body.sub).toBe('alice');
      expectReadableBy(info, SPA_ORIGIN);

      const active = await introspect(t, access, SPA).set('origin', SPA_ADMIN_ORIGIN);
      expect(active.body.active).toBe(true);
      expectReadableBy(active, SPA_ADMIN_ORIGIN);

      const revoked = await revoke(t, access, SPA).set('origin', SPA_ORIGIN);
      expect(revoked.status).toBe(200);
      expectReadableBy(revoked, SPA_ORIGIN);
    });

    it('a public SPA pushes its authorization request (PAR) from its origin, and another origin is refused', async () => {
      const params = {
        client_id: 'spa', response_type: 'code', redirect_uri: SPA_CALLBACK, state: 's', scope: 'openid',
        code_challenge: pkcePair().challenge, code_challenge_method: 'S256',
      };
      const pushed = await request(t.server).post('/api/oauth2/par').type('form').send(params).set('origin', SPA_ORIGIN);
      expect(pushed.status).toBe(201);
      expect(pushed.body.request_uri).toMatch(/^urn:ietf:params:oauth:request_uri:/);
      expectReadableBy(pushed, SPA_ORIGIN);
      const foreign = await request(t.server).post('/api/oauth2/par').type('form').send(params).set('origin', 'https://evil.test');
      expect(foreign.status).toBe(400);
      expectNoCors(foreign);
    });

    it('lets the client page read the UserInfo answer to a DPoP-scheme token too (the client is the token owner)', async () => {
      const tokens = await spaTokens();
      const info = await request(t.server).get('/api/openid/userinfo').set('authorization', `DPoP ${tokens.access_token}`).set('origin', SPA_ORIGIN);
      expect(info.status).toBe(401); // not a DPoP-bound token, and no proof: refused, but readable by its client's page
      expectReadableBy(info, SPA_ORIGIN);
    });

    it('lets the client page read its errors: invalid_grant, and the 401 of a revoked token with its challenge', async () => {
      const bad = await postAsClient(t, '/api/oauth2/token', { grant_type: 'refresh_token', refresh_token: 'not-a-token' }, SPA).set('origin', SPA_ORIGIN);
      expect(bad.status).toBe(400);
      expect(bad.body.error).toBe('invalid_grant');
      expectReadableBy(bad, SPA_ORIGIN);

      const tokens = await spaTokens();
      expect((await revoke(t, tokens.access_token, SPA)).status).toBe(200);
      const info = await request(t.server).get('/api/openid/userinfo').set('authorization', `Bearer ${tokens.access_token}`).set('origin', SPA_ORIGIN);
      expect(info.status).toBe(401);
      expect(info.headers['www-authenticate']).toMatch(/error="invalid_token"/);
      expectReadableBy(info, SPA_ORIGIN);
    });

    it('answers a confidential client (HTTP Basic) at the origin of its redirect URI', async () => {
      const code = await obtainCode(t, { client_id: 'web-app', redirect_uri: WEB_APP_CALLBACK, scope: 'openid' });
      const res = await exchangeCode(t, code, WEB_APP).set('origin', 'https://app.test');
      expect(res.status).toBe(200);
      expectReadableBy(res, 'https://app.test');
    });

    it('adds nothing but Vary: Origin to a request without Origin (servers, CLIs)', async () => {
      const code = await obtainCode(t, { client_id: 'spa', redirect_uri: SPA_CALLBACK, scope: 'openid' });
      const res = await exchangeCode(t, code, SPA);
      expect(res.status).toBe(200);
      expectNoCors(res);
      expect(res.headers.vary).toBe('Origin');
    });

    it('leaves a request naming no known client to the endpoint, unreadable cross-origin', async () => {
      const res = await postAsClient(t, '/api/oauth2/token', { grant_type: 'client_credentials' }, { clientId: 'nobody' }).set('origin', SPA_ORIGIN);
      expect(res.status).toBe(401);
      expect(res.body.error).toBe('invalid_client');
      expectNoCors(res);
      const info = await request(t.server).get('/api/openid/userinfo').set('authorization', 'Bearer not.a.token').set('origin', SPA_ORIGIN);
      expect(info.status).toBe(401);
      expectNoCors(info);
    });
  });
});
