// Risk: user enumeration through the sign-in form — a different message, status, page or
// throttling for an unknown username than for a wrong password tells an attacker which accounts
// exist, the first step of online guessing.
// RFC 6819 §4.4.3.6 (online guessing of passwords); SPEC §3 ("the same answer whether the user
// exists or not"). The equal work (a dummy bcrypt compare) is unit-tested in
// src/users/config-user-directory.spec.ts; timing is not asserted here.
import request from 'supertest';
import { openAuthorize, parseSignInForm, pkcePair, submitSignIn } from '../support/browser-flow.js';
import type { SignInForm } from '../support/browser-flow.js';
import { TestApp, baseConfig, startTestApp } from '../support/test-app.js';
import { WEB_APP_CALLBACK } from '../support/token-endpoint.js';

describe('security: user enumeration at sign-in', () => {
  let t: TestApp;
  beforeAll(async () => { t = await startTestApp(baseConfig()); });
  afterAll(async () => t.close());

  async function openForm(): Promise<SignInForm> {
    const page = await openAuthorize(t, {
      response_type: 'code', client_id: 'web-app', redirect_uri: WEB_APP_CALLBACK, state: 's', scope: 'openid',
      code_challenge: pkcePair().challenge, code_challenge_method: 'S256',
    });
    return parseSignInForm(page.text, page.headers['set-cookie']);
  }

  /** What an attacker can compare: status, headers that matter, and the page with the echoed name removed. */
  function observable(res: request.Response, username: string): unknown {
    return {
      status: res.status,
      location: res.headers.location,
      setCookie: res.headers['set-cookie'],
      retryAfter: res.headers['retry-after'],
      contentType: res.headers['content-type'],
      page: res.text.split(`value="${username}"`).join('value="…"'),
    };
  }

  it('answers a wrong password and an unknown username identically', async () => {
    const form = await openForm();
    const wrongPassword = await submitSignIn(t, form, 'alice', 'wrong-password');
    const unknownUser = await submitSignIn(t, form, 'mallory', 'wrong-password');
    expect(wrongPassword.status).toBe(200);
    expect(observable(unknownUser, 'mallory')).toEqual(observable(wrongPassword, 'alice'));
  });

  it('answers an over-long password for a real user like any wrong password', async () => {
    const form = await openForm();
    const tooLong = await submitSignIn(t, form, 'alice', `alice-password${'x'.repeat(80)}`);
    const unknownUser = await submitSignIn(t, form, 'mallory', `alice-password${'x'.repeat(80)}`);
    expect(tooLong.status).toBe(200);
    expect(observable(unknownUser, 'mallory')).toEqual(observable(tooLong, 'alice'));
  });

  it('throttles an unknown username like a known one', async () => {
    const form = await openForm();
    const known: unknown[] = [];
    const unknown: unknown[] = [];
    for (let i = 0; i < 4; i++) {
      known.push(observable(await submitSignIn(t, form, 'alice', `guess-${i}`), 'alice'));
      unknown.push(observable(await submitSignIn(t, form, 'nobody', `guess-${i}`), 'nobody'));
    }
    expect(unknown).toEqual(known);
  });
});
