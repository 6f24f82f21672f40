// Risk: the authorization server as an open redirector — an error for an unknown client or an
// unverified redirect URI bounces the user to any URL the attacker put in the link.
// RFC 9700 §4.11.2 (authorization server as open redirector); RFC 6749 §4.1.2.1 and §10.15.
import request from 'supertest';
import { openAuthorize, parseSignInForm, pkcePair, submitSignIn } from '../support/browser-flow.js';
import { ALICE_PASSWORD, TestApp, baseConfig, startTestApp } from '../support/test-app.js';
import { WEB_APP_CALLBACK } from '../support/token-endpoint.js';

const EVIL = 'https://evil.test/landing';

describe('security: open redirect', () => {
  let t: TestApp;
  beforeAll(async () => { t = await startTestApp(baseConfig()); });
  afterAll(async () => t.close());

  function authorize(params: Record<string, string | undefined>): Promise<request.Response> {
    return openAuthorize(t, {
      response_type: 'code', client_id: 'web-app', redirect_uri: WEB_APP_CALLBACK, state: 's', scope: 'openid',
      code_challenge: pkcePair().challenge, code_challenge_method: 'S256', ...params,
    });
  }

  function expectNoRedirect(res: request.Response): void {
    expect(res.status).toBeGreaterThanOrEqual(400);
    expect(res.status).toBeLessThan(500);
    expect(res.headers.location).toBeUndefined();
    expect(res.headers.refresh).toBeUndefined();
    // The page may name the refused URI as text; it never links or sends the browser there.
    expect(res.text).not.toMatch(/<a\s/i);
    expect(res.text).not.toMatch(/<form/i);
    expect(res.text).not.toMatch(/http-equiv="refresh"/i);
  }

  it.each([
    ['an unknown client', { client_id: 'no-such-client' }],
    ['an unknown client and an invalid request', { client_id: 'no-such-client', response_type: 'token', state: undefined }],
    ['a missing client_id', { client_id: undefined }],
    ['a client without redirect URIs', { client_id: 'svc' }],
    ['a known client with the attacker\'s URI', {}],
    ['a known client with the attacker\'s URI and an unknown scope', { scope: 'nope' }],
    ['a known client with the attacker\'s URI and prompt=none', { prompt: 'none' }],
  ])('never redirects to the attacker for %s', async (_label, params) => {
    expectNoRedirect(await authorize({ redirect_uri: EVIL, ...params }));
  });

  it('escapes the attacker\'s URI where the page shows it', async () => {
    const res = await authorize({ redirect_uri: 'javascript:alert(document.domain)//"><img src=x onerror=alert(1)>' });
    expectNoRedirect(res);
    expect(res.text).not.toContain('<img');
    expect(res.text).not.toMatch(/href="javascript:/i);
  });

  it('sends redirected errors to the registered URI only', async () => {
    const res = await authorize({ response_type: 'token' });
    expect(res.status).toBe(302);
    const location = new URL(String(res.headers.location));
    expect(location.origin + location.pathname).toBe(WEB_APP_CALLBACK);
  });

  it('never redirects from the sign-in form when the request is unknown', async () => {
    const page = await authorize({});
    const cookie = String([page.headers['set-cookie']].flat()[0]).split(';')[0];
    const res = await submitSignIn(t, { action: '/api/oauth2/sign-in', request: 'forged-request', csrfToken: 'x', cookie, html: '' }, 'alice', ALICE_PASSWORD,
      { redirect_uri: EVIL });
    expectNoRedirect(res);
  });

  it('ignores a redirect_uri slipped into the sign-in form', async () => {
    const page = await authorize({});
    const form = parseSignInForm(page.text, page.headers['set-cookie']);
    const res = await submitSignIn(t, form, 'alice', ALICE_PASSWORD, { redirect_uri: EVIL });
    expect(res.status).toBe(303);
    const location = new URL(String(res.headers.location));
    expect(location.origin + location.pathname).toBe(WEB_APP_CALLBACK);
  });
});
