// Risk: session fixation — an attacker who knows (or planted) a browser's session cookie value
// before the victim signs in rides the victim's signed-in session afterwards; and session ids
// leaking from storage or logs. OWASP Session Management (renew the id on authentication);
// RFC 9700 §4.7 (CSRF) and OIDC Core §3.1.2.1 rely on the OP's session being the user's own.
import { tokenHash } from '../../src/common/secure-tokens.js';
import { SESSION_STORE } from '../../src/store/session-store.js';
import type { SessionStore } from '../../src/store/session-store.js';
import { NoScriptBrowser } from '../support/no-script-browser.js';
import { ALICE_HASH, ALICE_PASSWORD, TestApp, baseConfig, startTestApp } from '../support/test-app.js';
import { WEB_APP_CALLBACK } from '../support/token-endpoint.js';

const web = { client_id: 'web-app', redirect_uri: WEB_APP_CALLBACK };
const spa = { client_id: 'spa', redirect_uri: 'http://127.0.0.1/callback' };

describe('security: session fixation', () => {
  let t: TestApp;
  beforeAll(async () => {
    const base = baseConfig();
    t = await startTestApp({ ...base, users: { ...(base.users as Record<string, unknown>), mallory: { password: ALICE_HASH } } });
  });
  afterAll(async () => t.close());

  it('never keeps a cookie value planted before the sign-in: the session gets a new one', async () => {
    const planted = 'A'.repeat(43);
    const victim = new NoScriptBrowser(t);
    victim.plant('sympauthy_session', planted, '/api');
    await victim.signInTo(web, 'alice', ALICE_PASSWORD);
    expect(victim.cookie('sympauthy_session')).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(victim.cookie('sympauthy_session')).not.toBe(planted);
    const attacker = new NoScriptBrowser(t);
    attacker.plant('sympauthy_session', planted, '/api');
    expect((await attacker.authorize(spa)).kind).toBe('form');
  });

  it('gives an attacker who planted the cookie of their own session nothing of the victim\'s later sign-in', async () => {
    const attacker = new NoScriptBrowser(t);
    await attacker.signInTo(web, 'mallory', ALICE_PASSWORD);
    const known = attacker.cookie('sympauthy_session')!;
    const victim = new NoScriptBrowser(t);
    victim.plant('sympauthy_session', known, '/api');
    const page = await victim.authorize({ ...web, prompt: 'login' });
    if (page.kind !== 'form') throw new Error('expected the form');
    expect((await victim.signIn(page.form, 'alice', ALICE_PASSWORD)).status).toBe(303);
    expect(victim.cookie('sympauthy_session')).not.toBe(known);
    // The value the attacker knows names no session any more: not the victim's, not their own.
    expect((await attacker.authorize(spa)).kind).toBe('form');
  });

  it('stores a session under the hash of its cookie, never the cookie itself, and never logs it', async () => {
    const browser = new NoScriptBrowser(t);
    await browser.signInTo(web, 'alice', ALICE_PASSWORD);
    const cookie = browser.cookie('sympauthy_session')!;
    await browser.silentCode(spa);
    const store = t.app.get<SessionStore>(SESSION_STORE, { strict: false });
    expect(await store.touch(cookie, 60_000, Date.now())).toBeUndefined();
    expect((await store.touch(tokenHash(cookie), 60_000, Date.now()))?.session.userId).toBe('alice');
    expect(t.logs.join('\n')).not.toContain(cookie);
    expect(t.logs.join('\n')).not.toContain(tokenHash(cookie));
  });

  it('treats a malformed session cookie as no session, never as an error', async () => {
    for (const value of ['', 'short', 'A'.repeat(44), `${'A'.repeat(42)}%`, 'A'.repeat(4000)]) {
      const browser = new NoScriptBrowser(t);
      browser.plant('sympauthy_session', value, '/api');
      const answer = await browser.authorize(spa);
      expect(answer.kind).toBe('form');
      expect((await browser.get('/api/openid/logout')).status).toBe(200);
    }
  });
});
