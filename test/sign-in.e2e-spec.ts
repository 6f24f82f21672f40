import request from 'supertest';
import { openAuthorize, parseSignInForm, pkcePair, submitSignIn } from './support/browser-flow.js';
import type { SignInForm } from './support/browser-flow.js';
import { ALICE_HASH, ALICE_PASSWORD, TEST_ROOT, TestApp, baseConfig, startTestApp } from './support/test-app.js';
import { PendingSignIns } from '../src/authorize/sign-in/pending-sign-in.js';
import { ShiftableClock, WEB_APP_CALLBACK, memoryStoreOn } from './support/token-endpoint.js';

/**
 * POST /api/oauth2/sign-in (SPEC §3): CSRF bound to the browser and to the pending request,
 * the same answer for an unknown user and a wrong password, single use, throttling without a
 * hard lockout. The growing per-user delay itself is unit-tested in sign-in-throttle.spec.ts.
 */
function config(): Record<string, unknown> {
  const base = baseConfig();
  return { ...base, users: { ...(base.users as Record<string, unknown>), bob: { password: ALICE_HASH, claims: {} } } };
}

async function openForm(t: TestApp, state = 'state-1'): Promise<SignInForm> {
  const page = await openAuthorize(t, {
    response_type: 'code', client_id: 'web-app', redirect_uri: WEB_APP_CALLBACK, scope: 'openid',
    state, code_challenge: pkcePair().challenge, code_challenge_method: 'S256',
  });
  expect(page.status).toBe(200);
  return parseSignInForm(page.text, page.headers['set-cookie']);
}

/** The form as posted from some address (these apps run with TRUST_PROXY=true, see app.factory.ts). */
function postFrom(t: TestApp, address: string, form: SignInForm, username: string, password: string): request.Test {
  return request(t.server).post(form.action).set('cookie', form.cookie).set('x-forwarded-for', address).type('form')
    .send({ request: form.request, csrf_token: form.csrfToken, username, password });
}

function alertText(html: string): string | undefined {
  return /role="alert">([^<]*)</.exec(html)?.[1];
}

function expectNoCode(res: request.Response): void {
  expect(res.headers.location).toBeUndefined();
  expect(res.text).not.toMatch(/[?&]code=/);
}

describe('POST /api/oauth2/sign-in', () => {
  let t: TestApp;
  beforeAll(async () => { t = await startTestApp(config(), { env: { TRUST_PROXY: 'true' } }); });
  afterAll(async () => t.close());

  describe('wrong credentials', () => {
    it('re-renders the page with the same message and status for a wrong password and an unknown user', async () => {
      const form = await openForm(t);
      const wrongPassword = await submitSignIn(t, form, 'bob', 'not-the-password');
      const unknownUser = await submitSignIn(t, form, 'carol', 'not-the-password');
      for (const res of [wrongPassword, unknownUser]) {
        expect(res.status).toBe(200);
        expectNoCode(res);
        expect(res.headers['content-type']).toMatch(/^text\/html/);
        expect(res.text).toMatch(/<form method="post"/);
      }
      expect(alertText(wrongPassword.text)).toBe('Incorrect username or password.');
      expect(alertText(unknownUser.text)).toBe(alertText(wrongPassword.text));
    });

    it('keeps the username, never the password, and lets the user try again on the same form', async () => {
      const form = await openForm(t);
      const failed = await submitSignIn(t, form, 'bob', 'wrong-password-xyz');
      expect(failed.text).toContain('value="bob"');
      expect(failed.text).not.toContain('wrong-password-xyz');
      const retry = parseSignInForm(failed.text, undefined);
      expect(retry.request).toBe(form.request);
      const ok = await submitSignIn(t, { ...retry, cookie: form.cookie }, 'bob', ALICE_PASSWORD);
      expect(ok.status).toBe(303);
    });

    it('escapes the username it shows again', async () => {
      const form = await openForm(t);
      const res = await submitSignIn(t, form, '"><script>alert(1)</script>', 'whatever');
      expect(res.status).toBe(200);
      expect(res.text).not.toContain('<script>');
      expect(res.text).toContain('value="&#34;&#62;&#60;script&#62;alert(1)&#60;/script&#62;"');
    });

    it('asks for both fields when one is empty, without a redirect', async () => {
      const form = await openForm(t);
      const res = await submitSignIn(t, form, 'bob', '');
      expect(res.status).toBe(400);
      expectNoCode(res);
      expect(alertText(res.text)).toMatch(/username and password/);
    });
  });

  describe('CSRF binding', () => {
    it('refuses a form posted without the cookie (another browser)', async () => {
      const form = await openForm(t);
      const res = await submitSignIn(t, { ...form, cookie: '' }, 'alice', ALICE_PASSWORD);
      expect(res.status).toBe(403);
      expectNoCode(res);
    });

    it('refuses a form posted with the cookie of another pending request', async () => {
      const a = await openForm(t, 'state-a');
      const b = await openForm(t, 'state-b');
      const onlyB = await submitSignIn(t, { ...a, cookie: b.cookie }, 'alice', ALICE_PASSWORD);
      expect(onlyB.status).toBe(403);
      expectNoCode(onlyB);
      // B's token under A's cookie name, and in the field: the hash stored with A still refuses it.
      const bTokenAsA = `${a.cookie.split('=')[0]}=${b.csrfToken}`;
      const swapped = await submitSignIn(t, { ...a, cookie: bTokenAsA, csrfToken: b.csrfToken }, 'alice', ALICE_PASSWORD);
      expect(swapped.status).toBe(403);
      expectNoCode(swapped);
    });

    it('refuses a wrong csrf_token', async () => {
      const form = await openForm(t);
      const res = await submitSignIn(t, form, 'alice', ALICE_PASSWORD, { csrf_token: 'A'.repeat(43) });
      expect(res.status).toBe(403);
      expectNoCode(res);
      const missing = await request(t.server).post(form.action).set('cookie', form.cookie).type('form')
        .send({ request: form.request, username: 'alice', password: ALICE_PASSWORD });
      expect(missing.status).toBe(403);
      expectNoCode(missing);
    });

    it('refuses the sealed request of another pending sign-in', async () => {
      const a = await openForm(t, 'state-a');
      const b = await openForm(t, 'state-b');
      const res = await submitSignIn(t, { ...a, cookie: `${a.cookie}; ${b.cookie}` }, 'alice', ALICE_PASSWORD, { request: b.request });
      expect(res.status).toBe(403);
      expectNoCode(res);
    });

    it('leaves the pending request usable by its own browser after refused posts', async () => {
      const form = await openForm(t);
      expect((await submitSignIn(t, { ...form, cookie: '' }, 'alice', ALICE_PASSWORD)).status).toBe(403);
      const res = await submitSignIn(t, form, 'alice', ALICE_PASSWORD);
      expect(res.status).toBe(303);
    });
  });

  describe('unknown or expired request', () => {
    it('answers a forged or unknown sealed request with a 400 page', async () => {
      const form = await openForm(t);
      const res = await submitSignIn(t, form, 'alice', ALICE_PASSWORD, { request: 'no-such-request' });
      expect(res.status).toBe(400);
      expectNoCode(res);
      expect(res.headers['content-type']).toMatch(/^text\/html/);
    });

    it('answers a form that is not form-encoded with a 400 page', async () => {
      const res = await request(t.server).post('/api/oauth2/sign-in').set('content-type', 'application/json').send('{"username":"alice"}');
      expect(res.status).toBe(400);
      expectNoCode(res);
    });

    it('answers an expired pending request with a 400 page', async () => {
      const clock = new ShiftableClock();
      const clocked = await startTestApp(config(), { extensions: [memoryStoreOn(clock)], env: { TRUST_PROXY: 'true' } });
      clocked.app.get(PendingSignIns).now = clock.now;
      try {
        const form = await openForm(clocked);
        clock.advance(10 * 60_000 + 1_000);
        const res = await submitSignIn(clocked, form, 'alice', ALICE_PASSWORD);
        expect(res.status).toBe(400);
        expectNoCode(res);
      } finally {
        await clocked.close();
      }
    });
  });

  describe('success', () => {
    it('answers 303 See Other to the redirect URI with code, state and iss, clears the form cookie and starts a session', async () => {
      const form = await openForm(t, 'state-success');
      const res = await submitSignIn(t, form, 'alice', ALICE_PASSWORD);
      expect(res.status).toBe(303);
      const location = new URL(String(res.headers.location));
      expect(location.origin + location.pathname).toBe(WEB_APP_CALLBACK);
      expect(location.searchParams.get('code')).toMatch(/^[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}$/);
      expect(location.searchParams.get('state')).toBe('state-success');
      expect(location.searchParams.get('iss')).toBe(TEST_ROOT);
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.headers['referrer-policy']).toBe('no-referrer');
      const cookies = [res.headers['set-cookie']].flat().filter(Boolean) as string[];
      expect(cookies).toEqual([
        expect.stringMatching(new RegExp(`^${form.cookie.split('=')[0]}=;.*Max-Age=0`)),
        expect.stringMatching(/^sympauthy_session=[A-Za-z0-9_-]{43}; /),
      ]);
    });

    it('uses the pending request once: the same form posted again gets no second code', async () => {
      const form = await openForm(t);
      expect((await submitSignIn(t, form, 'alice', ALICE_PASSWORD)).status).toBe(303);
      const again = await submitSignIn(t, form, 'alice', ALICE_PASSWORD);
      expect(again.status).toBe(400);
      expectNoCode(again);
    });

    it('gives one code only when the same form is posted concurrently', async () => {
      const form = await openForm(t);
      const answers = await Promise.all(Array.from({ length: 5 }, () => submitSignIn(t, form, 'alice', ALICE_PASSWORD)));
      expect(answers.filter((res) => res.status === 303)).toHaveLength(1);
      expect(answers.filter((res) => res.headers.location !== undefined)).toHaveLength(1);
    });
  });

  describe('throttling', () => {
    let throttled: TestApp;
    beforeAll(async () => { throttled = await startTestApp(config(), { env: { TRUST_PROXY: 'true' } }); });
    afterAll(async () => throttled.close());

    const ATTACKER = '203.0.113.7';

    it('answers 429 with Retry-After once an address has failed too often, whatever the usernames', async () => {
      const form = await openForm(throttled);
      for (let i = 0; i < 30; i++) {
        const res = await postFrom(throttled, ATTACKER, form, `guess-${i}`, 'password');
        expect(res.status).toBe(200);
      }
      const refused = await postFrom(throttled, ATTACKER, form, 'guess-30', 'password');
      expect(refused.status).toBe(429);
      expect(Number(refused.headers['retry-after'])).toBeGreaterThan(0);
      expectNoCode(refused);
      // The limit applies to the attempt, not to what it carries: even a correct password from there waits.
      const correctFromAttacker = await postFrom(throttled, ATTACKER, form, 'alice', ALICE_PASSWORD);
      expect(correctFromAttacker.status).toBe(429);
      expectNoCode(correctFromAttacker);
    });

    it('still accepts the correct password of a user under attack from another address (no hard lockout)', async () => {
      const attackerForm = await openForm(throttled);
      for (let i = 0; i < 4; i++) {
        expect((await postFrom(throttled, '198.51.100.9', attackerForm, 'alice', `guess-${i}`)).status).toBe(200);
      }
      const form = await openForm(throttled);
      const res = await postFrom(throttled, '192.0.2.10', form, 'alice', ALICE_PASSWORD);
      expect(res.status).toBe(303);
      expect(new URL(String(res.headers.location)).searchParams.get('code')).toBeTruthy();
    });
  });
});
