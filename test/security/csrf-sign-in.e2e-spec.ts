// Risk: cross-site request forgery on the sign-in form (login CSRF): an attacker's page posts
// credentials, or the attacker's own pending request, from the victim's browser, so that the
// victim ends up signed in — or a code issued — in a session the attacker chose.
// RFC 6749 §10.12 (CSRF) and RFC 9700 §4.7; the binding of SPEC §3 / issue 4 item 3.
import request from 'supertest';
import { openAuthorize, parseSignInForm, pkcePair, submitSignIn } from '../support/browser-flow.js';
import type { SignInForm } from '../support/browser-flow.js';
import { ALICE_PASSWORD, TestApp, baseConfig, startTestApp } from '../support/test-app.js';
import { WEB_APP_CALLBACK } from '../support/token-endpoint.js';

describe('security: CSRF on the sign-in form', () => {
  let t: TestApp;
  beforeAll(async () => { t = await startTestApp(baseConfig()); });
  afterAll(async () => t.close());

  /** A browser opening the authorization URL: the form plus its own cookie. */
  async function browserOpens(): Promise<{ form: SignInForm; setCookie: string }> {
    const page = await openAuthorize(t, {
      response_type: 'code', client_id: 'web-app', redirect_uri: WEB_APP_CALLBACK, state: 's', scope: 'openid',
      code_challenge: pkcePair().challenge, code_challenge_method: 'S256',
    });
    expect(page.status).toBe(200);
    const setCookie = [page.headers['set-cookie']].flat()[0] as string;
    return { form: parseSignInForm(page.text, page.headers['set-cookie']), setCookie };
  }

  function expectRefusedWithoutCode(res: request.Response): void {
    expect(res.status).toBe(403);
    expect(res.headers.location).toBeUndefined();
    expect(res.text).not.toMatch(/code=/);
  }

  it('keeps the CSRF cookie from cross-site posts and from scripts (SameSite=Lax, HttpOnly), scoped to the OAuth paths', async () => {
    const { setCookie } = await browserOpens();
    expect(setCookie).toMatch(/; SameSite=Lax/);
    expect(setCookie).toMatch(/; HttpOnly/);
    expect(setCookie).toMatch(/; Path=\/api\/oauth2/);
    expect(setCookie).toMatch(/; Max-Age=\d+/);
  });

  it('refuses the attacker\'s own pending request posted from the victim\'s browser (which lacks its cookie)', async () => {
    const attacker = await browserOpens();
    const victim = await browserOpens();
    // The victim's browser sends its own cookie only; the form fields come from the attacker.
    const res = await submitSignIn(t, { ...attacker.form, cookie: victim.form.cookie }, 'alice', ALICE_PASSWORD);
    expectRefusedWithoutCode(res);
  });

  it('refuses a cross-site post that carries no cookie at all', async () => {
    const { form } = await browserOpens();
    expectRefusedWithoutCode(await submitSignIn(t, { ...form, cookie: '' }, 'alice', ALICE_PASSWORD));
  });

  it('refuses a guessed or forged csrf_token even with the right cookie', async () => {
    const { form } = await browserOpens();
    for (const forged of ['', 'A'.repeat(43), form.csrfToken.slice(0, -1), `${form.csrfToken}A`]) {
      expectRefusedWithoutCode(await submitSignIn(t, form, 'alice', ALICE_PASSWORD, { csrf_token: forged }));
    }
  });

  it('refuses a cookie set by the attacker with a token of their own (field and cookie agree, the stored binding does not)', async () => {
    const victim = await browserOpens();
    const planted = 'B'.repeat(43);
    const cookieName = victim.form.cookie.split('=')[0];
    const res = await submitSignIn(t, { ...victim.form, cookie: `${cookieName}=${planted}`, csrfToken: planted }, 'alice', ALICE_PASSWORD);
    expectRefusedWithoutCode(res);
  });

  it('accepts the same form from the browser it was given to', async () => {
    const { form } = await browserOpens();
    const res = await submitSignIn(t, form, 'alice', ALICE_PASSWORD);
    expect(res.status).toBe(303);
  });
});
