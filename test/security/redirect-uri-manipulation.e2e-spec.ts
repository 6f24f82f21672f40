// Risk: redirect URI manipulation — a lookalike redirect URI that a lax matcher accepts sends the
// code (or an error carrying state) to an attacker.
// RFC 9700 §4.1 (insufficient redirect URI validation) and §2.1 (exact string matching);
// OAuth 2.1 §2.3.1 and §7.5.3; RFC 8252 §7.3 (the loopback port exception, IP literals only).
import request from 'supertest';
import { obtainCode, openAuthorize, pkcePair } from '../support/browser-flow.js';
import { TestApp, baseConfig, startTestApp } from '../support/test-app.js';
import { SPA, SPA_CALLBACK, WEB_APP, WEB_APP_CALLBACK, exchangeCode } from '../support/token-endpoint.js';

const WEB_APP_VARIANTS: [string, string][] = [
  ['a longer path (prefix match)', 'https://app.test/callback/evil'],
  ['a suffix on the last segment', 'https://app.test/callbackx'],
  ['a trailing slash', 'https://app.test/callback/'],
  ['a dot segment', 'https://app.test/callback/../evil'],
  ['an encoded path', 'https://app.test/%63allback'],
  ['an added query', 'https://app.test/callback?next=https://evil.test'],
  ['a fragment', 'https://app.test/callback#evil'],
  ['an upper-case host', 'https://APP.test/callback'],
  ['an upper-case scheme', 'HTTPS://app.test/callback'],
  ['an upper-case path', 'https://app.test/Callback'],
  ['an explicit default port', 'https://app.test:443/callback'],
  ['another port', 'https://app.test:8443/callback'],
  ['http instead of https', 'http://app.test/callback'],
  ['userinfo before another host', 'https://app.test@evil.test/callback'],
  ['a subdomain of the registered host', 'https://app.test.evil.test/callback'],
  ['a parent of the registered host', 'https://test/callback'],
  ['the registered URI inside another one', 'https://evil.test/?https://app.test/callback'],
  ['leading white space', ' https://app.test/callback'],
  ['trailing white space', 'https://app.test/callback '],
];

/** spa registered http://127.0.0.1/callback: the port may vary, nothing else. */
const LOOPBACK_VARIANTS: [string, string][] = [
  ['localhost', 'http://localhost/callback'],
  ['localhost with a port', 'http://localhost:54321/callback'],
  ['https instead of http', 'https://127.0.0.1/callback'],
  ['another loopback literal', 'http://[::1]/callback'],
  ['another 127/8 address', 'http://127.0.0.2/callback'],
  ['a longer path', 'http://127.0.0.1:54321/callback/evil'],
  ['an added query', 'http://127.0.0.1:54321/callback?x=1'],
  ['a host that starts with the literal', 'http://127.0.0.1.evil.test/callback'],
  ['userinfo before another host', 'http://127.0.0.1:54321@evil.test/callback'],
  ['a port over 65535', 'http://127.0.0.1:99999/callback'],
];

describe('security: redirect URI manipulation', () => {
  let t: TestApp;
  beforeAll(async () => { t = await startTestApp(baseConfig()); });
  afterAll(async () => t.close());

  function authorize(clientId: string, redirectUri: string, overrides: Record<string, string> = {}): Promise<request.Response> {
    return openAuthorize(t, {
      response_type: 'code', client_id: clientId, redirect_uri: redirectUri, state: 's', scope: 'openid',
      code_challenge: pkcePair().challenge, code_challenge_method: 'S256', ...overrides,
    });
  }

  function expectNoRedirect(res: request.Response): void {
    expect(res.status).toBe(400);
    expect(res.headers.location).toBeUndefined();
    expect(res.headers['set-cookie']).toBeUndefined();
    expect(res.text).not.toMatch(/<form/);
  }

  it.each(WEB_APP_VARIANTS)('refuses %s at the authorization endpoint, without redirecting', async (_label, redirectUri) => {
    expectNoRedirect(await authorize('web-app', redirectUri));
    // Nor does an error that would otherwise be redirected go there.
    expectNoRedirect(await authorize('web-app', redirectUri, { response_type: 'token' }));
  });

  it.each(LOOPBACK_VARIANTS)('refuses %s for a loopback redirect URI', async (_label, redirectUri) => {
    expectNoRedirect(await authorize('spa', redirectUri));
  });

  it('refuses a redirect_uri sent twice, the registered one and another', async () => {
    const query = `response_type=code&client_id=web-app&redirect_uri=${encodeURIComponent(WEB_APP_CALLBACK)}` +
      `&redirect_uri=${encodeURIComponent('https://evil.test/cb')}&state=s&code_challenge=${pkcePair().challenge}&code_challenge_method=S256`;
    expectNoRedirect(await request(t.server).get(`/api/oauth2/authorize?${query}`));
  });

  it.each([
    ['a trailing slash', 'https://app.test/callback/'],
    ['an upper-case host', 'https://APP.test/callback'],
    ['an explicit default port', 'https://app.test:443/callback'],
  ])('refuses %s at the token endpoint (it must equal the one of the request)', async (_label, redirectUri) => {
    const result = await obtainCode(t, { client_id: 'web-app', redirect_uri: WEB_APP_CALLBACK, scope: 'openid' });
    const res = await exchangeCode(t, result, WEB_APP, { redirect_uri: redirectUri });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_grant');
  });

  it('refuses the registered loopback URI at the token endpoint when another port was used', async () => {
    const result = await obtainCode(t, { client_id: 'spa', redirect_uri: 'http://127.0.0.1:40000/callback', scope: 'openid' });
    const res = await exchangeCode(t, result, SPA, { redirect_uri: SPA_CALLBACK });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_grant');
  });
});
