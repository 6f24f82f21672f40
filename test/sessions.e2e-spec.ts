import request from 'supertest';
import { HTML_SECURITY_HEADERS } from '../src/authorize/sign-in/html-page.js';
import { ConfigurationError } from '../src/config/config-errors.js';
import { TokenSigner } from '../src/keys/token-signer.js';
import { loadConfiguration } from '../src/live-config/load-configuration.js';
import { Sessions } from '../src/session/sessions.js';
import type { CodeResult } from './support/browser-flow.js';
import { NoScriptBrowser } from './support/no-script-browser.js';
import { ALICE_HASH, ALICE_PASSWORD, TEST_ROOT, TestApp, baseConfig, startTestApp, writeConfig } from './support/test-app.js';
import {
  SPA, SPA_CALLBACK, ShiftableClock, WEB_APP, WEB_APP_CALLBACK, exchangeCode, memoryStoreOn, refresh,
} from './support/token-endpoint.js';
import type { ClientAuth, TokenSet } from './support/token-endpoint.js';

/**
 * Single sign-on sessions, prompt / max_age / id_token_hint, and RP-initiated logout (SPEC §6),
 * as a browser without JavaScript sees them: one cookie jar across the web app and the SPA. The
 * memory store and the sessions run on a clock the tests move, so idle timeouts and lifespans are
 * tested without waiting.
 */

const WEB_SIGNED_OUT = 'https://app.test/signed-out?from=sympauthy';
const SPA_SIGNED_OUT = 'http://127.0.0.1/signed-out';
const LOGOUT = '/api/openid/logout';

export function sessionConfig(session: Record<string, unknown> = {}): Record<string, unknown> {
  const base = baseConfig();
  return {
    ...base,
    clients: {
      'web-app': { name: 'Web App', secret: 'web-secret', 'allowed-redirect-uris': [WEB_APP_CALLBACK], 'allowed-post-logout-redirect-uris': [WEB_SIGNED_OUT] },
      spa: { name: 'The SPA', public: true, 'allowed-redirect-uris': [SPA_CALLBACK], 'allowed-post-logout-redirect-uris': [SPA_SIGNED_OUT] },
      svc: { secret: 'svc-secret', 'allowed-grant-types': ['client_credentials'] },
    },
    users: { ...(base.users as Record<string, unknown>), bob: { password: ALICE_HASH, claims: { name: 'Bob Builder' } } },
    session,
  };
}

const web = { client_id: 'web-app', redirect_uri: WEB_APP_CALLBACK };
const spa = { client_id: 'spa', redirect_uri: SPA_CALLBACK };

function claimsOf(jwt: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString('utf8')) as Record<string, unknown>;
}

async function tokensFor(t: TestApp, result: CodeResult, client: ClientAuth): Promise<TokenSet> {
  const res = await exchangeCode(t, result, client);
  if (res.status !== 200) throw new Error(`code exchange answered ${res.status}: ${res.text}`);
  return res.body as TokenSet;
}

function setCookies(res: request.Response): string[] {
  return [res.headers['set-cookie']].flat().filter((c): c is string => typeof c === 'string');
}

function sessionCookieLine(res: request.Response): string | undefined {
  return setCookies(res).find((c) => c.startsWith('sympauthy_session='));
}

function expectRedirectError(location: URL, error: string, state: string): void {
  expect(location.searchParams.get('error')).toBe(error);
  expect(location.searchParams.get('state')).toBe(state);
  expect(location.searchParams.get('iss')).toBe(TEST_ROOT);
  expect(location.searchParams.get('code')).toBeNull();
}

interface Harness {
  t: TestApp;
  clock: ShiftableClock;
}

async function start(session: Record<string, unknown> = {}): Promise<Harness> {
  const clock = new ShiftableClock();
  const t = await startTestApp(sessionConfig(session), { extensions: [memoryStoreOn(clock)] });
  t.app.get(Sessions, { strict: false }).now = clock.now;
  return { t, clock };
}

describe('single sign-on sessions (SPEC §6)', () => {
  let h: Harness;
  beforeAll(async () => { h = await start({ lifespan: '8h', 'idle-timeout': '1h' }); });
  afterAll(async () => h.t.close());

  it('starts a session at sign-in: an HttpOnly, SameSite=Lax cookie for the server\'s /api paths, not Secure on http', async () => {
    const browser = new NoScriptBrowser(h.t);
    const answer = await browser.authorize(web);
    if (answer.kind !== 'form') throw new Error('expected the form');
    const signedIn = await browser.signIn(answer.form, 'alice', ALICE_PASSWORD);
    expect(signedIn.status).toBe(303);
    const line = sessionCookieLine(signedIn)!;
    expect(line).toMatch(/^sympauthy_session=[A-Za-z0-9_-]{43}; Path=\/api; Max-Age=28800; HttpOnly; SameSite=Lax$/);
    expect(line).not.toMatch(/Secure/);
  });

  it('serves another client at once: a code without the form, and the ID token\'s auth_time is the sign-in time', async () => {
    const browser = new NoScriptBrowser(h.t);
    const first = await tokensFor(h.t, await browser.signInTo({ ...web, scope: 'openid' }, 'alice', ALICE_PASSWORD), WEB_APP);
    const signInTime = claimsOf(first.id_token!).auth_time as number;
    h.clock.advance(120_000);
    const answer = await browser.authorize({ ...spa, scope: 'openid profile', nonce: 'n-spa' });
    expect(answer.kind).toBe('redirect');
    expect(answer.response.status).toBe(303);
    expect(answer.response.headers['cache-control']).toBe('no-store');
    if (answer.kind !== 'redirect' || !answer.result) throw new Error('expected a code');
    expect(answer.location.searchParams.get('iss')).toBe(TEST_ROOT);
    const second = await tokensFor(h.t, answer.result, SPA);
    const claims = claimsOf(second.id_token!);
    expect(claims).toMatchObject({ sub: 'alice', aud: 'spa', nonce: 'n-spa', auth_time: signInTime, name: 'Alice Example' });
    // max_age counts from that sign-in, two minutes ago on the server's clock.
    expect((await browser.authorize({ ...spa, max_age: '60' })).kind).toBe('form');
  });

  it('keeps a session alive while it is used and ends it after session.idle-timeout unused', async () => {
    const browser = new NoScriptBrowser(h.t);
    await browser.signInTo(web, 'alice', ALICE_PASSWORD);
    for (let i = 0; i < 3; i++) {
      h.clock.advance(50 * 60_000);
      await browser.silentCode(spa);
    }
    h.clock.advance(61 * 60_000);
    expect((await browser.authorize(spa)).kind).toBe('form');
  });

  it('ends a session session.lifespan after its sign-in, however much it is used', async () => {
    const browser = new NoScriptBrowser(h.t);
    await browser.signInTo(web, 'alice', ALICE_PASSWORD);
    for (let minutes = 50; minutes <= 450; minutes += 50) {
      h.clock.advance(50 * 60_000);
      expect((await browser.authorize(spa)).kind).toBe('redirect');
    }
    h.clock.advance(31 * 60_000);
    expect((await browser.authorize(spa)).kind).toBe('form');
  });

  it('rotates the session id at every sign-in, and prompt=login signs the same user in again with a new auth_time', async () => {
    const browser = new NoScriptBrowser(h.t);
    const first = claimsOf((await tokensFor(h.t, await browser.signInTo({ ...web, scope: 'openid' }, 'alice', ALICE_PASSWORD), WEB_APP)).id_token!);
    const firstCookie = browser.cookie('sympauthy_session')!;
    h.clock.advance(5_000);
    const again = await browser.authorize({ ...web, scope: 'openid', prompt: 'login' });
    if (again.kind !== 'form') throw new Error('prompt=login must show the form');
    expect(again.form.html).toMatch(/You are signed in as <strong>Alice Example<\/strong>/);
    const before = Math.floor(h.clock.now() / 1000);
    const signedIn = await browser.signIn(again.form, 'alice', ALICE_PASSWORD);
    const after = Math.floor(h.clock.now() / 1000);
    expect(signedIn.status).toBe(303);
    const secondCookie = browser.cookie('sympauthy_session')!;
    expect(secondCookie).not.toBe(firstCookie);
    const location = new URL(String(signedIn.headers.location));
    const second = claimsOf((await tokensFor(h.t, { code: location.searchParams.get('code')!, location, verifier: again.verifier, redirectUri: WEB_APP_CALLBACK }, WEB_APP)).id_token!);
    expect(second.auth_time).toBeGreaterThanOrEqual((first.auth_time as number) + 5);
    expect(second.auth_time).toBeGreaterThanOrEqual(before);
    expect(second.auth_time).toBeLessThanOrEqual(after);
    // The old cookie names no session any more.
    const stale = new NoScriptBrowser(h.t);
    stale.plant('sympauthy_session', firstCookie, '/api');
    expect((await stale.authorize(spa)).kind).toBe('form');
    expect((await browser.silentCode(spa)).code).toBeTruthy();
  });

  it('ends the previous user\'s session when another user signs in in the same browser', async () => {
    const browser = new NoScriptBrowser(h.t);
    await browser.signInTo(web, 'alice', ALICE_PASSWORD);
    const aliceCookie = browser.cookie('sympauthy_session')!;
    const relogin = await browser.authorize({ ...web, prompt: 'login' });
    if (relogin.kind !== 'form') throw new Error('expected the form');
    expect((await browser.signIn(relogin.form, 'bob', ALICE_PASSWORD)).status).toBe(303);
    const bobTokens = await tokensFor(h.t, await browser.silentCode({ ...spa, scope: 'openid' }), SPA);
    expect(claimsOf(bobTokens.id_token!).sub).toBe('bob');
    const stale = new NoScriptBrowser(h.t);
    stale.plant('sympauthy_session', aliceCookie, '/api');
    expect((await stale.authorize(spa)).kind).toBe('form');
  });

  it('marks the cookie Secure and scopes it under the issuer\'s path when the issuer is https with a path', async () => {
    const t = await startTestApp({ ...sessionConfig(), urls: { root: 'https://login.example.test/auth' } });
    try {
      const browser = new NoScriptBrowser(t, undefined, '/auth');
      const answer = await browser.authorize(web);
      if (answer.kind !== 'form') throw new Error('expected the form');
      const line = sessionCookieLine(await browser.signIn(answer.form, 'alice', ALICE_PASSWORD))!;
      expect(line).toMatch(/^sympauthy_session=[A-Za-z0-9_-]{43}; Path=\/auth\/api; Max-Age=28800; HttpOnly; SameSite=Lax; Secure$/);
    } finally {
      await t.close();
    }
  });
});

describe('prompt, max_age and id_token_hint with a session (SPEC §6)', () => {
  let h: Harness;
  let browser: NoScriptBrowser;
  let aliceIdToken: string;
  let bobIdToken: string;
  beforeAll(async () => {
    h = await start();
    browser = new NoScriptBrowser(h.t);
    aliceIdToken = (await tokensFor(h.t, await browser.signInTo({ ...web, scope: 'openid' }, 'alice', ALICE_PASSWORD), WEB_APP)).id_token!;
    const bob = new NoScriptBrowser(h.t);
    bobIdToken = (await tokensFor(h.t, await bob.signInTo({ ...web, scope: 'openid' }, 'bob', ALICE_PASSWORD), WEB_APP)).id_token!;
  });
  afterAll(async () => h.t.close());

  it('prompt=login shows the form even with a session, saying who is signed in, with a way to sign in as someone else', async () => {
    const answer = await browser.authorize({ ...spa, prompt: 'login' });
    if (answer.kind !== 'form') throw new Error('expected the form');
    expect(answer.form.html).toContain('You are signed in as <strong>Alice Example</strong>');
    expect(answer.form.html).toMatch(/<button type="submit"[^>]* name="switch_account" value="1" formnovalidate[^>]*>Not you\? Sign in as someone else<\/button>/);
    expect(answer.response.headers['content-security-policy']).toBe(HTML_SECURITY_HEADERS['content-security-policy']);
    // Without a session, the form says nothing of the kind.
    const stranger = await new NoScriptBrowser(h.t).authorize({ ...spa, prompt: 'login' });
    if (stranger.kind !== 'form') throw new Error('expected the form');
    expect(stranger.form.html).not.toContain('signed in as');
    expect(stranger.form.html).not.toContain('switch_account');
  });

  it('"Not you?" ends the session and shows the form again, for someone else to sign in', async () => {
    const shared = new NoScriptBrowser(h.t);
    await shared.signInTo(web, 'alice', ALICE_PASSWORD);
    const answer = await shared.authorize({ ...spa, prompt: 'login', scope: 'openid' });
    if (answer.kind !== 'form') throw new Error('expected the form');
    const switched = await shared.signIn(answer.form, '', '', { switch_account: '1' });
    expect(switched.status).toBe(200);
    expect(switched.text).not.toContain('signed in as');
    expect(shared.cookie('sympauthy_session')).toBeUndefined();
    expect((await new NoScriptBrowser(h.t).authorize(spa)).kind).toBe('form');
    const bob = await shared.signIn(answer.form, 'bob', ALICE_PASSWORD);
    expect(bob.status).toBe(303);
    const location = new URL(String(bob.headers.location));
    const tokens = await tokensFor(h.t, { code: location.searchParams.get('code')!, location, verifier: answer.verifier, redirectUri: SPA_CALLBACK }, SPA);
    expect(claimsOf(tokens.id_token!).sub).toBe('bob');
  });

  it('prompt=none: a code with a session; login_required, with state and iss, without one', async () => {
    expect((await browser.silentCode({ ...spa, prompt: 'none' })).code).toBeTruthy();
    const none = await new NoScriptBrowser(h.t).authorize({ ...spa, prompt: 'none', state: 'silent-1' });
    if (none.kind !== 'redirect') throw new Error('prompt=none must never show the form');
    expect(none.response.status).toBe(302);
    expectRedirectError(none.location, 'login_required', 'silent-1');
  });

  it('max_age: a sign-in older than N seconds shows the form (login_required with prompt=none), a younger one does not', async () => {
    // max_age=0 is prompt=login, even in the second of the sign-in (auth_time is whole seconds).
    expect((await browser.authorize({ ...spa, max_age: '0' })).kind).toBe('form');
    const zero = await browser.authorize({ ...spa, max_age: '0', prompt: 'none', state: 'silent-0' });
    if (zero.kind !== 'redirect') throw new Error('prompt=none must never show the form');
    expectRedirectError(zero.location, 'login_required', 'silent-0');
    h.clock.advance(30_000);
    expect((await browser.silentCode({ ...spa, max_age: '3600' })).code).toBeTruthy();
    expect((await browser.authorize({ ...spa, max_age: '10' })).kind).toBe('form');
    const none = await browser.authorize({ ...spa, max_age: '10', prompt: 'none', state: 'silent-2' });
    if (none.kind !== 'redirect') throw new Error('prompt=none must never show the form');
    expectRedirectError(none.location, 'login_required', 'silent-2');
    expect((await browser.authorize({ ...spa, max_age: '0' })).kind).toBe('form');
  });

  it('id_token_hint: the session\'s user is served; another user is login_required with prompt=none, the form otherwise', async () => {
    expect((await browser.silentCode({ ...spa, id_token_hint: aliceIdToken, prompt: 'none' })).code).toBeTruthy();
    expect((await browser.silentCode({ ...spa, id_token_hint: aliceIdToken })).code).toBeTruthy();
    const none = await browser.authorize({ ...spa, id_token_hint: bobIdToken, prompt: 'none', state: 'silent-3' });
    if (none.kind !== 'redirect') throw new Error('prompt=none must never show the form');
    expectRedirectError(none.location, 'login_required', 'silent-3');
    const form = await browser.authorize({ ...spa, id_token_hint: bobIdToken });
    expect(form.kind).toBe('form');
    // A hint that is no ID token of this server is never a match.
    const tampered = `${aliceIdToken.split('.')[0]}.${Buffer.from(JSON.stringify({ ...claimsOf(aliceIdToken), sub: 'bob' })).toString('base64url')}.${aliceIdToken.split('.')[2]}`;
    const forged = await browser.authorize({ ...spa, id_token_hint: tampered, prompt: 'none', state: 'silent-4' });
    if (forged.kind !== 'redirect') throw new Error('prompt=none must never show the form');
    expectRedirectError(forged.location, 'login_required', 'silent-4');
    expect((await browser.authorize({ ...spa, id_token_hint: tampered })).kind).toBe('form');
  });

  it('prompt=consent and select_account are ignored alone, and consent_required / account_selection_required with prompt=none', async () => {
    expect((await browser.silentCode({ ...spa, prompt: 'consent' })).code).toBeTruthy();
    expect((await browser.silentCode({ ...spa, prompt: 'select_account' })).code).toBeTruthy();
    expect((await new NoScriptBrowser(h.t).authorize({ ...spa, prompt: 'consent' })).kind).toBe('form');
    for (const [prompt, error] of [['none consent', 'consent_required'], ['none select_account', 'account_selection_required'], ['none login', 'login_required']]) {
      const answer = await browser.authorize({ ...spa, prompt, state: `st-${error}` });
      if (answer.kind !== 'redirect') throw new Error(`prompt=${prompt} must never show the form`);
      expectRedirectError(answer.location, error, `st-${error}`);
    }
  });

  it('advertises end_session_endpoint and prompt_values_supported in discovery', async () => {
    for (const path of ['/.well-known/openid-configuration', '/.well-known/oauth-authorization-server']) {
      const res = await request(h.t.server).get(path);
      expect(res.body).toMatchObject({ end_session_endpoint: `${TEST_ROOT}${LOGOUT}`, prompt_values_supported: ['none', 'login', 'consent', 'select_account'] });
    }
  });
});

describe('RP-initiated logout (SPEC §6)', () => {
  let h: Harness;
  beforeAll(async () => { h = await start(); });
  afterAll(async () => h.t.close());

  /** A browser signed in as alice at the web app, and its ID token. */
  async function signedIn(username = 'alice'): Promise<{ browser: NoScriptBrowser; idToken: string; tokens: TokenSet }> {
    const browser = new NoScriptBrowser(h.t);
    const tokens = await tokensFor(h.t, await browser.signInTo({ ...web, scope: 'openid' }, username, ALICE_PASSWORD), WEB_APP);
    return { browser, idToken: tokens.id_token!, tokens };
  }

  async function expectSignedIn(browser: NoScriptBrowser, expected: boolean): Promise<void> {
    expect((await browser.authorize(spa)).kind).toBe(expected ? 'redirect' : 'form');
  }

  function logoutUrl(params: Record<string, string>): string {
    return `${LOGOUT}?${new URLSearchParams(params)}`;
  }

  it('ends the session at once with a valid id_token_hint, and redirects to the registered URI with state', async () => {
    const { browser, idToken } = await signedIn();
    const res = await browser.get(logoutUrl({ id_token_hint: idToken, post_logout_redirect_uri: WEB_SIGNED_OUT, state: 'bye-1' }));
    expect(res.status).toBe(303);
    expect(res.headers.location).toBe(`${WEB_SIGNED_OUT}&state=bye-1`);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(sessionCookieLine(res)).toMatch(/^sympauthy_session=; Path=\/api; Max-Age=0; HttpOnly; SameSite=Lax$/);
    await expectSignedIn(browser, false);
  });

  it('accepts an expired id_token_hint of this server', async () => {
    const { browser } = await signedIn();
    const now = Math.floor(Date.now() / 1000);
    const expired = await h.t.app.get(TokenSigner, { strict: false }).sign('id-token', { iss: TEST_ROOT, sub: 'alice', aud: 'web-app', iat: now - 7200, exp: now - 3600, auth_time: now - 7200 }, 'JWT');
    const res = await browser.get(logoutUrl({ id_token_hint: expired }));
    expect(res.status).toBe(200);
    expect(res.text).toContain('You are signed out');
    await expectSignedIn(browser, false);
  });

  it('asks first without an id_token_hint: a confirmation page, the session alive until its form is posted', async () => {
    const { browser } = await signedIn();
    const page = await browser.get(logoutUrl({ client_id: 'spa', post_logout_redirect_uri: SPA_SIGNED_OUT, state: 'bye-2' }));
    expect(page.status).toBe(200);
    for (const [name, value] of Object.entries(HTML_SECURITY_HEADERS)) expect(page.headers[name]).toBe(value);
    expect(page.text).toContain('<strong>The SPA</strong> asks to sign you out.');
    expect(sessionCookieLine(page)).toBeUndefined();
    await expectSignedIn(browser, true);
    const form = readForm(page.text);
    expect(form.action).toBe(`${TEST_ROOT}${LOGOUT}`);
    expect(form.fields).toEqual({ csrf_token: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/), client_id: 'spa', post_logout_redirect_uri: SPA_SIGNED_OUT, state: 'bye-2' });
    const confirmed = await browser.post(LOGOUT, form.fields);
    expect(confirmed.status).toBe(303);
    expect(confirmed.headers.location).toBe(`${SPA_SIGNED_OUT}?state=bye-2`);
    await expectSignedIn(browser, false);
  });

  it('shows the signed-out page when there is nowhere to return to, in the sign-in page\'s look and headers', async () => {
    const { browser } = await signedIn();
    const page = await browser.get(LOGOUT);
    const confirmed = await browser.post(LOGOUT, readForm(page.text).fields);
    expect(confirmed.status).toBe(200);
    for (const [name, value] of Object.entries(HTML_SECURITY_HEADERS)) expect(confirmed.headers[name]).toBe(value);
    expect(confirmed.text).toContain('<h1>You are signed out</h1>');
    expect(confirmed.text).toContain('<style>');
    expect(confirmed.text).not.toContain('<script');
    await expectSignedIn(browser, false);
  });

  it('asks first for the id_token_hint of another user than the session\'s', async () => {
    const { browser } = await signedIn('alice');
    const { idToken: bobs } = await signedIn('bob');
    const res = await browser.get(logoutUrl({ id_token_hint: bobs }));
    expect(res.status).toBe(200);
    expect(res.text).toContain('Sign out?');
    await expectSignedIn(browser, true);
  });

  it('refuses an unregistered post_logout_redirect_uri with an error page, no redirect, the session alive', async () => {
    const { browser, idToken } = await signedIn();
    for (const uri of ['https://evil.test/signed-out', `${WEB_SIGNED_OUT}&x=1`, 'https://app.test/signed-out', SPA_SIGNED_OUT]) {
      const res = await browser.get(logoutUrl({ id_token_hint: idToken, post_logout_redirect_uri: uri, state: 's' }));
      expect(res.status).toBe(400);
      expect(res.headers.location).toBeUndefined();
      expect(res.text).toContain('is not registered for the client');
    }
    await expectSignedIn(browser, true);
  });

  it('refuses what cannot name the application or contradicts itself, never redirecting', async () => {
    const { browser, idToken } = await signedIn();
    const cases: [Record<string, string>, string][] = [
      [{ post_logout_redirect_uri: WEB_SIGNED_OUT }, 'needs an id_token_hint or a client_id'],
      [{ client_id: 'nobody', post_logout_redirect_uri: WEB_SIGNED_OUT }, 'No client is registered'],
      [{ client_id: 'spa', id_token_hint: idToken, post_logout_redirect_uri: SPA_SIGNED_OUT }, 'not the client the id_token_hint was issued to'],
      [{ id_token_hint: 'not-a-jwt' }, 'not a valid ID token of this server'],
    ];
    for (const [params, message] of cases) {
      const res = await browser.get(logoutUrl(params));
      expect(res.status).toBe(400);
      expect(res.headers.location).toBeUndefined();
      expect(res.text).toContain(message);
    }
    const repeated = await browser.get(`${LOGOUT}?state=a&state=b`);
    expect(repeated.status).toBe(400);
    expect(repeated.text).toContain('The state parameter is repeated.');
    await expectSignedIn(browser, true);
  });

  it('without a session: straight to the registered URI, or the signed-out page', async () => {
    const stranger = new NoScriptBrowser(h.t);
    const back = await stranger.get(logoutUrl({ client_id: 'web-app', post_logout_redirect_uri: WEB_SIGNED_OUT, state: 'bye-3' }));
    expect(back.status).toBe(303);
    expect(back.headers.location).toBe(`${WEB_SIGNED_OUT}&state=bye-3`);
    const page = await stranger.get(LOGOUT);
    expect(page.status).toBe(200);
    expect(page.text).toContain('You are signed out');
  });

  it('turns an application\'s cross-site POST, which carries no SameSite=Lax cookie, into a top-level GET that does', async () => {
    const { browser, idToken } = await signedIn();
    const params = { id_token_hint: idToken, post_logout_redirect_uri: WEB_SIGNED_OUT, state: 'bye-4' };
    const crossSite = await request(h.t.server).post(LOGOUT).type('form').send(params);
    expect(crossSite.status).toBe(303);
    const next = new URL(String(crossSite.headers.location));
    expect(next.origin + next.pathname).toBe(`${TEST_ROOT}${LOGOUT}`);
    expect(Object.fromEntries(next.searchParams)).toEqual(params);
    await expectSignedIn(browser, true);
    const followed = await browser.get(next.pathname + next.search);
    expect(followed.status).toBe(303);
    expect(followed.headers.location).toBe(`${WEB_SIGNED_OUT}&state=bye-4`);
    await expectSignedIn(browser, false);
  });

  it('ends the session at once for a same-site POST with a valid id_token_hint', async () => {
    const { browser, idToken } = await signedIn();
    const res = await browser.post(LOGOUT, { id_token_hint: idToken });
    expect(res.status).toBe(200);
    expect(res.text).toContain('You are signed out');
    await expectSignedIn(browser, false);
  });

  it('keeps the refresh tokens of a session by default', async () => {
    const { browser, idToken, tokens } = await signedIn();
    expect((await browser.get(logoutUrl({ id_token_hint: idToken }))).status).toBe(200);
    expect((await refresh(h.t, tokens.refresh_token!, WEB_APP)).status).toBe(200);
  });

  it('with session.logout-revokes-tokens, revokes the refresh tokens issued in the session, even from a code redeemed after', async () => {
    const revoking = await start({ 'logout-revokes-tokens': true });
    try {
      const t = revoking.t;
      const browser = new NoScriptBrowser(t);
      const webTokens = await tokensFor(t, await browser.signInTo({ ...web, scope: 'openid' }, 'alice', ALICE_PASSWORD), WEB_APP);
      const spaTokens = await tokensFor(t, await browser.silentCode({ ...spa, scope: 'openid' }), SPA);
      const pendingCode = await browser.silentCode(web);
      const elsewhere = await tokensFor(t, await new NoScriptBrowser(t).signInTo(web, 'alice', ALICE_PASSWORD), WEB_APP);

      expect((await browser.get(`${LOGOUT}?${new URLSearchParams({ id_token_hint: webTokens.id_token! })}`)).status).toBe(200);
      expect((await refresh(t, webTokens.refresh_token!, WEB_APP)).body.error).toBe('invalid_grant');
      expect((await refresh(t, spaTokens.refresh_token!, SPA)).body.error).toBe('invalid_grant');
      expect((await exchangeCode(t, pendingCode, WEB_APP)).body.error).toBe('invalid_grant');
      // Another browser's session of the same user is not this session.
      expect((await refresh(t, elsewhere.refresh_token!, WEB_APP)).status).toBe(200);
    } finally {
      await revoking.t.close();
    }
  });
});

describe('session configuration (SPEC §6)', () => {
  function problems(config: Record<string, unknown>): string[] {
    try {
      loadConfiguration({ files: [writeConfig(config)], env: {} });
    } catch (e) {
      if (e instanceof ConfigurationError) return [...e.problems];
      throw e;
    }
    return [];
  }

  it('defaults to an 8h lifespan, a 1h idle timeout, and logout that keeps refresh tokens', () => {
    const snapshot = loadConfiguration({ files: [writeConfig(baseConfig())], env: {} });
    expect(snapshot.session).toEqual({ lifespanMs: 8 * 3_600_000, idleTimeoutMs: 3_600_000, logoutRevokesTokens: false });
  });

  it('reports every invalid session key', () => {
    expect(problems(sessionConfig({ lifespan: '0s', 'idle-timeout': '0s' }))).toEqual([
      'session.lifespan: must be at least 1s',
      'session.idle-timeout: must be at least 1s',
    ]);
    expect(problems(sessionConfig({ lifespan: 'forever', 'logout-revokes-tokens': 'yes', 'idle-timout': '1h' })).sort()).toEqual([
      'session.idle-timout: unknown key (did you mean idle-timeout?)',
      'session.lifespan: must be a duration such as 60s, 15m, 12h or 30d',
      'session.logout-revokes-tokens: must be true or false',
    ]);
  });

  it('checks allowed-post-logout-redirect-uris like redirect URIs, and resolves the same references', () => {
    const config = sessionConfig();
    const clients = config.clients as Record<string, Record<string, unknown>>;
    clients['web-app']['allowed-post-logout-redirect-uris'] = ['${urls.root}/bye', 'relative/path', 'https://app.test/bye#frag', '${client.uris.nope}'];
    clients.svc['allowed-post-logout-redirect-uris'] = ['https://svc.test/bye'];
    expect(problems(config)).toEqual([
      'clients.web-app.allowed-post-logout-redirect-uris.1: relative/path is not an absolute URI',
      'clients.web-app.allowed-post-logout-redirect-uris.2: https://app.test/bye#frag must not contain a fragment',
      'clients.web-app.allowed-post-logout-redirect-uris.3: unknown reference ${client.uris.nope} (use ${urls.root} or ${client.uris.<key>})',
      'clients.svc.allowed-post-logout-redirect-uris: must be omitted for a client without authorization_code (only its users sign in and out)',
    ]);
    clients['web-app']['allowed-post-logout-redirect-uris'] = ['${urls.root}/bye'];
    delete clients.svc['allowed-post-logout-redirect-uris'];
    const snapshot = loadConfiguration({ files: [writeConfig(config)], env: {} });
    expect(snapshot.clients.find('web-app')?.postLogoutRedirectUris).toEqual([`${TEST_ROOT}/bye`]);
  });
});

/** The POST form of a page: its action and its hidden fields, as a browser would send them. */
function readForm(html: string): { action: string; fields: Record<string, string> } {
  const action = /<form method="post" action="([^"]+)"/.exec(html)?.[1];
  if (!action) throw new Error(`no form in page:\n${html.slice(0, 400)}`);
  const decode = (v: string) => v.replace(/&#(\d+);/g, (_, n: string) => String.fromCharCode(Number(n))).replace(/&amp;/g, '&');
  const fields: Record<string, string> = {};
  for (const m of html.matchAll(/<input type="hidden" name="([^"]+)" value="([^"]*)">/g)) fields[m[1]] = decode(m[2]);
  return { action: decode(action), fields };
}
