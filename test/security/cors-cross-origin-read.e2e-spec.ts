// Risk: a page of another origin — a hostile site, or the origin of another client — calls the
// token, revocation, introspection or UserInfo endpoint from a user's browser and reads the answer
// (tokens, claims) or spends a code; or the sign-in page becomes readable cross-origin (its CSRF
// token). CORS must answer only the origins of the client named in the request, never `*`, never
// with credentials. Fetch Standard §3.2 (CORS protocol); RFC 9700 §4.13 (sender-constraining,
// browser clients); OAuth 2.0 for Browser-Based Apps §6.
import request from 'supertest';
import { ConfigurationError } from '../../src/config/config-errors.js';
import { loadConfiguration } from '../../src/live-config/load-configuration.js';
import { obtainCode, parseSignInForm, pkcePair } from '../support/browser-flow.js';
import { ALICE_PASSWORD, TestApp, baseConfig, startTestApp, writeConfig } from '../support/test-app.js';
import { SPA, SPA_CALLBACK, TokenSet, exchangeCode, postAsClient } from '../support/token-endpoint.js';

const WEB_APP_ORIGIN = 'https://app.test';
const CLIENT_ENDPOINTS = ['/api/oauth2/token', '/api/oauth2/revoke', '/api/oauth2/introspect', '/api/openid/userinfo'];

function corsHeaders(res: request.Response): string[] {
  return Object.keys(res.headers).filter((h) => h.startsWith('access-control-'));
}

describe('security: cross-origin reads of the OAuth endpoints', () => {
  let t: TestApp;
  beforeAll(async () => { t = await startTestApp(baseConfig()); });
  afterAll(async () => t.close());

  it.each(CLIENT_ENDPOINTS)('%s: a preflight from an origin no client registered is refused', async (path) => {
    for (const origin of ['https://evil.test', 'null', 'http://localhost:8080', 'https://app.test.evil.test']) {
      const res = await request(t.server).options(path).set('origin', origin).set('access-control-request-method', 'POST');
      expect(res.status).toBe(403);
      expect(corsHeaders(res)).toEqual([]);
    }
  });

  it('a page at another client\'s origin cannot redeem the SPA\'s code: refused before the grant runs, the code stays usable', async () => {
    const code = await obtainCode(t, { client_id: 'spa', redirect_uri: SPA_CALLBACK, scope: 'openid' });
    // web-app's origin passes the preflight (some client registered it) but is not the SPA's.
    const stolen = await exchangeCode(t, code, SPA).set('origin', WEB_APP_ORIGIN);
    expect(stolen.status).toBe(400);
    expect(stolen.body).toEqual({ error: 'invalid_request', error_description: 'origin https://app.test is not allowed for client spa' });
    expect(corsHeaders(stolen)).toEqual([]);
    expect(stolen.headers.vary).toBe('Origin');
    const legitimate = await exchangeCode(t, code, SPA).set('origin', 'http://127.0.0.1:5173');
    expect(legitimate.status).toBe(200);
  });

  it('a page at another client\'s origin cannot read UserInfo with the SPA\'s token, nor refresh it', async () => {
    const code = await obtainCode(t, { client_id: 'spa', redirect_uri: SPA_CALLBACK, scope: 'openid' });
    const tokens = (await exchangeCode(t, code, SPA)).body as TokenSet;
    const info = await request(t.server).get('/api/openid/userinfo').set('authorization', `Bearer ${tokens.access_token}`).set('origin', WEB_APP_ORIGIN);
    expect(info.status).toBe(400);
    expect(info.body.sub).toBeUndefined();
    expect(corsHeaders(info)).toEqual([]);
    const refresh = await postAsClient(t, '/api/oauth2/token', { grant_type: 'refresh_token', refresh_token: tokens.refresh_token! }, SPA).set('origin', 'https://evil.test');
    expect(refresh.status).toBe(400);
    expect(corsHeaders(refresh)).toEqual([]);
    // The refused attempt did not rotate the refresh token.
    expect((await postAsClient(t, '/api/oauth2/token', { grant_type: 'refresh_token', refresh_token: tokens.refresh_token! }, SPA)).status).toBe(200);
  });

  it('a service account (no redirect URI, no origin) cannot be called from any page', async () => {
    const res = await request(t.server).post('/api/oauth2/token').auth('svc', 'svc-secret').type('form')
      .send({ grant_type: 'client_credentials' }).set('origin', WEB_APP_ORIGIN);
    expect(res.status).toBe(400);
    expect(res.body.access_token).toBeUndefined();
    expect(corsHeaders(res)).toEqual([]);
  });

  it('never answers * or credentials on the client endpoints', async () => {
    for (const path of CLIENT_ENDPOINTS) {
      const res = await request(t.server).options(path).set('origin', WEB_APP_ORIGIN).set('access-control-request-method', path.endsWith('userinfo') ? 'GET' : 'POST');
      expect(res.headers['access-control-allow-origin']).toBe(WEB_APP_ORIGIN);
      expect(res.headers['access-control-allow-credentials']).toBeUndefined();
    }
  });

  it('the authorization endpoint and the sign-in form are never CORS-enabled, even for a registered origin', async () => {
    const query = new URLSearchParams({
      response_type: 'code', client_id: 'spa', redirect_uri: SPA_CALLBACK, state: 's', scope: 'openid', code_challenge: pkcePair().challenge, code_challenge_method: 'S256',
    });
    const page = await request(t.server).get(`/api/oauth2/authorize?${query.toString()}`).set('origin', 'http://127.0.0.1:5173');
    expect(page.status).toBe(200);
    expect(corsHeaders(page)).toEqual([]);
    for (const path of ['/api/oauth2/authorize', '/api/oauth2/sign-in']) {
      const preflight = await request(t.server).options(path).set('origin', 'http://127.0.0.1:5173').set('access-control-request-method', 'POST');
      expect(preflight.status).toBeGreaterThanOrEqual(400);
      expect(corsHeaders(preflight)).toEqual([]);
    }
    const form = parseSignInForm(page.text, page.headers['set-cookie']);
    const signIn = await request(t.server).post(form.action).set('cookie', form.cookie).set('origin', 'http://127.0.0.1:5173').type('form')
      .send({ request: form.request, csrf_token: form.csrfToken, username: 'alice', password: ALICE_PASSWORD });
    expect(signIn.status).toBe(303);
    expect(corsHeaders(signIn)).toEqual([]);
  });
});

describe('security: allowed-origins is checked at startup', () => {
  function problemsOf(allowedOrigins: unknown, where: 'client' | 'template' = 'client'): readonly string[] {
    const config = baseConfig();
    if (where === 'client') (config.clients as Record<string, Record<string, unknown>>).spa['allowed-origins'] = allowedOrigins;
    else config.templates = { clients: { default: { 'allowed-origins': allowedOrigins } } };
    try {
      loadConfiguration({ files: [writeConfig(config)], env: {} });
    } catch (e) {
      expect(e).toBeInstanceOf(ConfigurationError);
      return (e as ConfigurationError).problems;
    }
    throw new Error('the configuration was accepted');
  }

  it('refuses the wildcard, a path and a non-origin, naming the key path and what to write', () => {
    expect(problemsOf(['*'])).toEqual(['clients.spa.allowed-origins: "*" is not allowed: list each origin (only discovery and the JWKS answer any origin)']);
    expect(problemsOf(['https://spa.test/', 'null'])).toEqual([
      'clients.spa.allowed-origins: "https://spa.test/" is not an origin: write https://spa.test (scheme://host[:port], no path); ' +
      '"null" is not an origin (scheme://host[:port], e.g. https://app.example.com)',
    ]);
    expect(problemsOf('https://spa.test')).toEqual(['clients.spa.allowed-origins: must be a list of origins']);
  });

  it('names the template when the bad origin is in a template', () => {
    expect(problemsOf(['https://portal.test/app'], 'template')).toEqual([
      'templates.clients.default.allowed-origins: "https://portal.test/app" is not an origin: write https://portal.test (scheme://host[:port], no path)',
    ]);
  });
});
