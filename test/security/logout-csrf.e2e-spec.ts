// Risk: logout CSRF — a page on another site signs the victim out (an <img> or a link to the
// logout endpoint, a form posted to it), or makes the victim confirm a logout in a frame, a
// denial of service and a step towards login CSRF. OpenID Connect RP-Initiated Logout 1.0 §2
// and §6 (a request without a valid id_token_hint must be confirmed by the user); RFC 6749
// §10.12; SPEC §6.
import request from 'supertest';
import { NoScriptBrowser } from '../support/no-script-browser.js';
import { ALICE_HASH, ALICE_PASSWORD, TestApp, baseConfig, startTestApp } from '../support/test-app.js';
import { WEB_APP, WEB_APP_CALLBACK, exchangeCode } from '../support/token-endpoint.js';

const web = { client_id: 'web-app', redirect_uri: WEB_APP_CALLBACK };
const spa = { client_id: 'spa', redirect_uri: 'http://127.0.0.1/callback' };
const LOGOUT = '/api/openid/logout';
const CROSS_SITE = { origin: 'https://evil.test', referer: 'https://evil.test/page', 'sec-fetch-site': 'cross-site' };

describe('security: logout CSRF', () => {
  let t: TestApp;
  beforeAll(async () => {
    const base = baseConfig();
    t = await startTestApp({ ...base, users: { ...(base.users as Record<string, unknown>), mallory: { password: ALICE_HASH } } });
  });
  afterAll(async () => t.close());

  async function victim(): Promise<NoScriptBrowser> {
    const browser = new NoScriptBrowser(t);
    await browser.signInTo(web, 'alice', ALICE_PASSWORD);
    return browser;
  }

  async function expectStillSignedIn(browser: NoScriptBrowser): Promise<void> {
    expect((await browser.authorize(spa)).kind).toBe('redirect');
  }

  it('never ends the session on a cross-site GET without id_token_hint: it only shows the confirmation page', async () => {
    const browser = await victim();
    for (const path of [LOGOUT, `${LOGOUT}?client_id=web-app`, `${LOGOUT}?state=x`]) {
      const res = await browser.get(path, CROSS_SITE);
      expect(res.status).toBe(200);
      expect(res.text).toContain('Sign out?');
      expect([res.headers['set-cookie']].flat().join()).not.toContain('sympauthy_session=');
    }
    await expectStillSignedIn(browser);
  });

  it('never ends the session on a posted form without the confirmation token, or with a wrong one', async () => {
    const browser = await victim();
    const withoutToken = await browser.post(LOGOUT, { client_id: 'web-app' }, CROSS_SITE);
    expect(withoutToken.status).toBe(200);
    expect(withoutToken.text).toContain('Sign out?');
    for (const token of ['', 'A'.repeat(43), 'x']) {
      const forged = await browser.post(LOGOUT, { csrf_token: token }, CROSS_SITE);
      expect(forged.status).toBe(403);
      expect(forged.text).toContain('You are still signed in.');
    }
    await expectStillSignedIn(browser);
  });

  it('refuses the confirmation token of the attacker\'s own session', async () => {
    const attacker = new NoScriptBrowser(t);
    await attacker.signInTo(web, 'mallory', ALICE_PASSWORD);
    const page = await attacker.get(LOGOUT);
    const token = /name="csrf_token" value="([^"]+)"/.exec(page.text)![1];
    const browser = await victim();
    expect((await browser.post(LOGOUT, { csrf_token: token }, CROSS_SITE)).status).toBe(403);
    await expectStillSignedIn(browser);
  });

  it('asks first when the id_token_hint is another user\'s, such as the attacker\'s own ID token', async () => {
    const attacker = new NoScriptBrowser(t);
    const code = await attacker.signInTo({ ...web, scope: 'openid' }, 'mallory', ALICE_PASSWORD);
    const idToken = (await exchangeCode(t, code, WEB_APP)).body.id_token as string;
    const browser = await victim();
    const res = await browser.get(`${LOGOUT}?${new URLSearchParams({ id_token_hint: idToken })}`, CROSS_SITE);
    expect(res.status).toBe(200);
    expect(res.text).toContain('Sign out?');
    await expectStillSignedIn(browser);
  });

  it('cannot be framed: the confirmation page forbids framing', async () => {
    const browser = await victim();
    const res = await browser.get(LOGOUT);
    expect(res.headers['x-frame-options']).toBe('DENY');
    expect(res.headers['content-security-policy']).toContain("frame-ancestors 'none'");
    expect(res.headers['cache-control']).toBe('no-store');
  });

  it('keeps a cross-site POST, which carries no session cookie, from doing anything but sending the browser to the GET', async () => {
    const browser = await victim();
    const res = await request(t.server).post(LOGOUT).set(CROSS_SITE).type('form').send({ client_id: 'web-app' });
    expect(res.status).toBe(303);
    expect(res.headers['set-cookie']).toBeUndefined();
    await expectStillSignedIn(browser);
  });
});
