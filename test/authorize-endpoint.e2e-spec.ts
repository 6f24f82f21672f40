import request from 'supertest';
import { obtainCode, openAuthorize, parseSignInForm, pkcePair } from './support/browser-flow.js';
import type { AuthorizeParams } from './support/browser-flow.js';
import { TEST_ROOT, TestApp, baseConfig, startTestApp } from './support/test-app.js';
import { WEB_APP_CALLBACK, exchangeCode } from './support/token-endpoint.js';

/**
 * GET /api/oauth2/authorize (SPEC §2 Authorization endpoint). Errors before the redirect URI is
 * trusted are an HTML page without redirect; every later one is a redirect carrying `error`,
 * `error_description`, `state` and `iss` (RFC 6749 §4.1.2.1, RFC 9207).
 *
 * `unauthorized_client` at this endpoint cannot be reached through configuration: redirect URIs
 * require `authorization_code` (SPEC §1), and a client without redirect URIs fails the redirect
 * URI check first (HTML page). The guard's own check is covered by
 * src/authorize/checks/request-shape.guard.spec.ts.
 */
const TENANT_CALLBACK = 'https://app.test/cb?tenant=a';
const NARROW_CALLBACK = 'https://narrow.test/callback';

function config(root = TEST_ROOT): Record<string, unknown> {
  const base = baseConfig({ urls: { root } });
  return {
    ...base,
    scopes: { 'orders:read': { description: 'Read your <orders>' } },
    clients: {
      ...(base.clients as Record<string, unknown>),
      'web-app': { name: 'Example <Web> & App', secret: 'web-secret', 'allowed-redirect-uris': [WEB_APP_CALLBACK] },
      tenant: { secret: 'tenant-secret', 'allowed-redirect-uris': [TENANT_CALLBACK] },
      narrow: {
        secret: 'narrow-secret', 'allowed-redirect-uris': [NARROW_CALLBACK],
        'allowed-scopes': ['openid', 'profile'], 'default-scopes': ['openid'],
      },
    },
  };
}

/** A complete, valid authorization request for web-app; each test breaks one thing. */
function validParams(overrides: Partial<AuthorizeParams> = {}): AuthorizeParams {
  return {
    response_type: 'code', client_id: 'web-app', redirect_uri: WEB_APP_CALLBACK, scope: 'openid profile',
    state: 'state-123', code_challenge: pkcePair().challenge, code_challenge_method: 'S256', ...overrides,
  };
}

function expectHtmlErrorPage(res: request.Response): void {
  expect(res.status).toBe(400);
  expect(res.headers.location).toBeUndefined();
  expect(res.headers['content-type']).toMatch(/^text\/html/);
  expect(res.headers['set-cookie']).toBeUndefined();
}

function expectRedirectError(res: request.Response, error: string, state: string | null = 'state-123', redirectUri = WEB_APP_CALLBACK): URL {
  expect(res.status).toBe(302);
  const location = new URL(String(res.headers.location));
  const expected = new URL(redirectUri);
  expect(location.origin + location.pathname).toBe(expected.origin + expected.pathname);
  expect(location.searchParams.get('error')).toBe(error);
  expect(location.searchParams.get('error_description')).toMatch(/\S/);
  expect(location.searchParams.get('state')).toBe(state);
  expect(location.searchParams.get('iss')).toBe(TEST_ROOT);
  expect(location.searchParams.get('code')).toBeNull();
  return location;
}

describe('GET /api/oauth2/authorize', () => {
  let t: TestApp;
  beforeAll(async () => { t = await startTestApp(config()); });
  afterAll(async () => t.close());

  describe('errors answered by an HTML page, never a redirect', () => {
    it('refuses an unknown client_id and escapes the reflected value', async () => {
      const res = await openAuthorize(t, validParams({ client_id: '<script>alert(1)</script>' }));
      expectHtmlErrorPage(res);
      expect(res.text).not.toContain('<script>');
      expect(res.text).toContain('&#60;script&#62;alert(1)&#60;/script&#62;');
    });

    it('refuses an unregistered redirect_uri and escapes the reflected value', async () => {
      const res = await openAuthorize(t, validParams({ redirect_uri: 'https://evil.test/"><script>alert(1)</script>' }));
      expectHtmlErrorPage(res);
      expect(res.text).not.toContain('<script>');
      expect(res.text).not.toContain('"><');
      expect(res.text).toContain('&#60;script&#62;');
    });

    it('refuses a missing client_id', async () => {
      const res = await openAuthorize(t, validParams({ client_id: undefined as unknown as string }));
      expectHtmlErrorPage(res);
      expect(res.text).toContain('client_id');
    });

    it('refuses a missing redirect_uri', async () => {
      const res = await openAuthorize(t, validParams({ redirect_uri: undefined as unknown as string }));
      expectHtmlErrorPage(res);
      expect(res.text).toContain('redirect_uri');
    });

    it('does not redirect an unknown client even when other parameters are wrong too', async () => {
      const res = await openAuthorize(t, validParams({ client_id: 'nobody', response_type: 'token', state: undefined }));
      expectHtmlErrorPage(res);
    });

    it('does not redirect to an unregistered URI even when other parameters are wrong too', async () => {
      const res = await openAuthorize(t, validParams({ redirect_uri: 'https://evil.test/callback', code_challenge_method: 'plain' }));
      expectHtmlErrorPage(res);
    });

    it('sends the security headers on the error page', async () => {
      const res = await openAuthorize(t, validParams({ client_id: 'nobody' }));
      expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['referrer-policy']).toBe('no-referrer');
    });
  });

  describe('loopback redirect URIs (RFC 8252 §7.3)', () => {
    it('ignores the port of a 127.0.0.1 redirect URI, and redirects to the port that was sent', async () => {
      const spaParams = { client_id: 'spa', redirect_uri: 'http://127.0.0.1:54321/callback' };
      const page = await openAuthorize(t, validParams(spaParams));
      expect(page.status).toBe(200);
      const { location } = await obtainCode(t, spaParams);
      expect(location.origin + location.pathname).toBe('http://127.0.0.1:54321/callback');
    });

    it('does not extend the exception to localhost', async () => {
      expectHtmlErrorPage(await openAuthorize(t, validParams({ client_id: 'spa', redirect_uri: 'http://localhost:54321/callback' })));
      expectHtmlErrorPage(await openAuthorize(t, validParams({ client_id: 'spa', redirect_uri: 'http://localhost/callback' })));
    });

    it('answers errors to the loopback port that was sent', async () => {
      const res = await openAuthorize(t, validParams({ client_id: 'spa', redirect_uri: 'http://127.0.0.1:54321/callback', response_type: 'token' }));
      expectRedirectError(res, 'unsupported_response_type', 'state-123', 'http://127.0.0.1:54321/callback');
    });
  });

  describe('errors answered by a redirect', () => {
    it.each([
      ['token', 'unsupported_response_type'],
      ['id_token', 'unsupported_response_type'],
      ['code id_token', 'unsupported_response_type'],
    ])('response_type=%s → %s', async (responseType, error) => {
      expectRedirectError(await openAuthorize(t, validParams({ response_type: responseType })), error);
    });

    it('a missing response_type → invalid_request', async () => {
      expectRedirectError(await openAuthorize(t, validParams({ response_type: undefined as unknown as string })), 'invalid_request');
    });

    it.each(['fragment', 'form_post'])('response_mode=%s → invalid_request, answered in the query', async (mode) => {
      const res = await openAuthorize(t, validParams({ response_mode: mode }));
      const location = expectRedirectError(res, 'invalid_request');
      expect(location.hash).toBe('');
    });

    it('accepts response_mode=query', async () => {
      expect((await openAuthorize(t, validParams({ response_mode: 'query' }))).status).toBe(200);
    });

    it('a missing code_challenge → invalid_request', async () => {
      expectRedirectError(await openAuthorize(t, validParams({ code_challenge: undefined as unknown as string })), 'invalid_request');
    });

    it('code_challenge_method=plain → invalid_request', async () => {
      expectRedirectError(await openAuthorize(t, validParams({ code_challenge_method: 'plain' })), 'invalid_request');
    });

    it('a missing code_challenge_method (which would mean plain) → invalid_request', async () => {
      expectRedirectError(await openAuthorize(t, validParams({ code_challenge_method: undefined as unknown as string })), 'invalid_request');
    });

    it.each([
      ['42 characters', 'a'.repeat(42)],
      ['44 characters', 'a'.repeat(44)],
      ['not base64url', `${'a'.repeat(41)}+/`],
      ['padded', `${'a'.repeat(42)}=`],
    ])('a malformed code_challenge (%s) → invalid_request', async (_label, challenge) => {
      expectRedirectError(await openAuthorize(t, validParams({ code_challenge: challenge })), 'invalid_request');
    });

    it('a missing state → invalid_request, without a state in the redirect', async () => {
      expectRedirectError(await openAuthorize(t, validParams({ state: undefined as unknown as string })), 'invalid_request', null);
    });

    it('an unknown scope → invalid_scope', async () => {
      expectRedirectError(await openAuthorize(t, validParams({ scope: 'openid does-not-exist' })), 'invalid_scope');
    });

    it('a repeated parameter → invalid_request', async () => {
      const query = new URLSearchParams(validParams() as Record<string, string>);
      query.append('scope', 'email');
      const res = await request(t.server).get(`/api/oauth2/authorize?${query.toString()}`);
      expectRedirectError(res, 'invalid_request');
    });

    it('prompt=none → login_required (there is no session to reuse)', async () => {
      expectRedirectError(await openAuthorize(t, validParams({ prompt: 'none' })), 'login_required');
    });

    it('keeps the query parameters of the registered redirect URI', async () => {
      const res = await openAuthorize(t, validParams({ client_id: 'tenant', redirect_uri: TENANT_CALLBACK, response_type: 'token' }));
      const location = expectRedirectError(res, 'unsupported_response_type', 'state-123', TENANT_CALLBACK);
      expect(location.searchParams.get('tenant')).toBe('a');
    });

    it('keeps them on the success redirect too, and the code exchange accepts that URI', async () => {
      const result = await obtainCode(t, { client_id: 'tenant', redirect_uri: TENANT_CALLBACK, scope: 'openid' });
      expect(result.location.origin + result.location.pathname).toBe('https://app.test/cb');
      expect(result.location.searchParams.get('tenant')).toBe('a');
      expect(result.location.searchParams.get('iss')).toBe(TEST_ROOT);
      const res = await exchangeCode(t, result, { clientId: 'tenant', secret: 'tenant-secret' });
      expect(res.status).toBe(200);
    });

    it('echoes state verbatim, reserved characters included, on errors and on success', async () => {
      const state = 'a b&c=d/é?#%';
      expectRedirectError(await openAuthorize(t, validParams({ state, response_type: 'token' })), 'unsupported_response_type', state);
      const { location } = await obtainCode(t, { client_id: 'web-app', redirect_uri: WEB_APP_CALLBACK, state });
      expect(location.searchParams.get('state')).toBe(state);
      expect(location.hash).toBe('');
    });

    it('marks the redirect as not cacheable and sends no referrer', async () => {
      const res = await openAuthorize(t, validParams({ response_type: 'token' }));
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.headers['referrer-policy']).toBe('no-referrer');
    });
  });

  describe('scopes', () => {
    it('silently drops a configured scope outside allowed-scopes', async () => {
      const result = await obtainCode(t, { client_id: 'narrow', redirect_uri: NARROW_CALLBACK, scope: 'openid profile email' });
      const res = await exchangeCode(t, result, { clientId: 'narrow', secret: 'narrow-secret' });
      expect(res.status).toBe(200);
      expect(res.body.scope).toBe('openid profile');
    });

    it('uses the client default-scopes when no scope is sent', async () => {
      const result = await obtainCode(t, { client_id: 'narrow', redirect_uri: NARROW_CALLBACK });
      const res = await exchangeCode(t, result, { clientId: 'narrow', secret: 'narrow-secret' });
      expect(res.status).toBe(200);
      expect(res.body.scope).toBe('openid');
    });
  });

  describe('success: the sign-in page', () => {
    let res: request.Response;
    beforeAll(async () => {
      res = await openAuthorize(t, validParams({ scope: 'openid email orders:read' }));
    });

    it('is a 200 HTML form posting username and password, usable without JavaScript', () => {
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/^text\/html/);
      expect(res.headers.location).toBeUndefined();
      expect(res.text).toMatch(/<form method="post" action="\/api\/oauth2\/sign-in">/);
      expect(res.text).toMatch(/<input [^>]*name="username"/);
      expect(res.text).toMatch(/<input [^>]*name="password" type="password"/);
      expect(res.text).toMatch(/<button type="submit">/);
      expect(res.text).toMatch(/<label for="username">/);
      expect(res.text).toMatch(/<label for="password">/);
      expect(res.text).not.toMatch(/<script/i);
      const form = parseSignInForm(res.text, res.headers['set-cookie']);
      expect(form.request).toMatch(/^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]{43}$/); // key id . request . HMAC
      expect(form.csrfToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    });

    it('shows the client name and the requested scopes, escaped', () => {
      expect(res.text).toContain('Example &#60;Web&#62; &#38; App');
      expect(res.text).not.toContain('<Web>');
      expect(res.text).toContain('Your email address');
      expect(res.text).toContain('Read your &#60;orders&#62;');
    });

    it('keeps the authorization request out of the form (only an opaque id travels)', () => {
      expect(res.text).not.toContain('state-123');
      expect(res.text).not.toContain(WEB_APP_CALLBACK);
    });

    it('sends the security headers', () => {
      const csp = String(res.headers['content-security-policy']);
      expect(csp).toContain("default-src 'none'");
      expect(csp).toContain("frame-ancestors 'none'");
      expect(csp).not.toContain('script-src');
      expect(csp).not.toContain('unsafe-inline');
      expect(res.headers['x-content-type-options']).toBe('nosniff');
      expect(res.headers['referrer-policy']).toBe('no-referrer');
      expect(res.headers['cache-control']).toBe('no-store');
    });

    it('sets an HttpOnly, SameSite=Lax CSRF cookie, not Secure on an http issuer', () => {
      const cookies = [res.headers['set-cookie']].flat().filter(Boolean) as string[];
      expect(cookies).toHaveLength(1);
      expect(cookies[0]).toMatch(/; HttpOnly/);
      expect(cookies[0]).toMatch(/; SameSite=Lax/);
      expect(cookies[0]).not.toMatch(/; Secure/);
    });
  });

  describe('on an https issuer', () => {
    let https: TestApp;
    beforeAll(async () => { https = await startTestApp(config('https://issuer.test')); });
    afterAll(async () => https.close());

    it('marks the CSRF cookie Secure', async () => {
      const res = await openAuthorize(https, validParams());
      expect(res.status).toBe(200);
      const cookies = [res.headers['set-cookie']].flat().filter(Boolean) as string[];
      expect(cookies).toHaveLength(1);
      expect(cookies[0]).toMatch(/; Secure/);
      expect(cookies[0]).toMatch(/; HttpOnly/);
      expect(cookies[0]).toMatch(/; SameSite=Lax/);
    });

    it('sends its issuer as iss in error redirects', async () => {
      const res = await openAuthorize(https, validParams({ response_type: 'token' }));
      expect(new URL(String(res.headers.location)).searchParams.get('iss')).toBe('https://issuer.test');
    });
  });
});
