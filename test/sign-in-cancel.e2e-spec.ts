import request from 'supertest';
import { openAuthorize, parseSignInForm, pkcePair, submitSignIn } from './support/browser-flow.js';
import type { SignInForm } from './support/browser-flow.js';
import { ALICE_PASSWORD, TEST_ROOT, TestApp, baseConfig, startTestApp } from './support/test-app.js';
import { WEB_APP_CALLBACK } from './support/token-endpoint.js';

/**
 * The sign-in page's way back to the application (issue 9 item 7): Cancel answers the
 * authorization request with `access_denied` (RFC 6749 §4.1.2.1) at the registered redirect URI,
 * with `state` and `iss` (RFC 9207), and ends the pending request.
 */
describe('sign-in page: Cancel', () => {
  let t: TestApp;
  beforeAll(async () => { t = await startTestApp(baseConfig()); });
  afterAll(async () => t.close());

  async function openForm(): Promise<SignInForm> {
    const page = await openAuthorize(t, {
      response_type: 'code', client_id: 'web-app', redirect_uri: WEB_APP_CALLBACK, state: 'st-cancel', scope: 'openid',
      code_challenge: pkcePair().challenge, code_challenge_method: 'S256',
    });
    expect(page.status).toBe(200);
    expect(page.text).toMatch(/<button type="submit" [^>]*name="cancel"[^>]* formnovalidate>Cancel and return to web-app<\/button>/);
    return parseSignInForm(page.text, page.headers['set-cookie']);
  }

  it('redirects to the application with access_denied, state and iss, and no code', async () => {
    const form = await openForm();
    const res = await submitSignIn(t, form, '', '', { cancel: '1' });
    expect(res.status).toBe(303);
    const location = new URL(String(res.headers.location));
    expect(`${location.origin}${location.pathname}`).toBe(WEB_APP_CALLBACK);
    expect(Object.fromEntries(location.searchParams)).toEqual({
      error: 'access_denied', error_description: 'the user cancelled the sign-in', state: 'st-cancel', iss: TEST_ROOT,
    });
    expect([res.headers['set-cookie']].flat().join()).toMatch(/Max-Age=0/);
  });

  it('ends the pending request: signing in afterwards is refused', async () => {
    const form = await openForm();
    expect((await submitSignIn(t, form, '', '', { cancel: '1' })).status).toBe(303);
    const after = await submitSignIn(t, form, 'alice', ALICE_PASSWORD);
    expect(after.status).toBe(400);
    expect(after.headers.location).toBeUndefined();
  });

  it('is CSRF-protected like signing in: another browser cannot cancel', async () => {
    const form = await openForm();
    const res = await request(t.server).post(form.action).type('form')
      .send({ request: form.request, csrf_token: form.csrfToken, cancel: '1' });
    expect(res.status).toBe(403);
    expect(res.headers.location).toBeUndefined();
    expect((await submitSignIn(t, form, 'alice', ALICE_PASSWORD)).status).toBe(303);
  });
});
