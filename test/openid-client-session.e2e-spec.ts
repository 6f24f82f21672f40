import * as client from 'openid-client';
import { parseSignInForm } from './support/browser-flow.js';
import { ALICE_PASSWORD, ListeningTestApp, baseConfig, startListeningTestApp } from './support/test-app.js';

/**
 * openid-client v6 against the running app with a session (SPEC §6): a single-page app signs in
 * once, then renews silently with `prompt=none` (the library checks state, nonce, iss and the ID
 * token), gets `login_required` once the session is gone, and signs out with the URL the library
 * builds from `end_session_endpoint`.
 */
describe('openid-client v6: silent renewal with prompt=none, and logout', () => {
  let t: ListeningTestApp;
  const CALLBACK = 'http://127.0.0.1:8765/callback';
  const SIGNED_OUT = 'http://127.0.0.1:8765/signed-out';

  beforeAll(async () => {
    t = await startListeningTestApp((root) => baseConfig({
      urls: { root },
      clients: { spa: { public: true, 'allowed-redirect-uris': ['http://127.0.0.1/callback'], 'allowed-post-logout-redirect-uris': [SIGNED_OUT] } },
    }));
  });
  afterAll(async () => t.close());

  /** The browser's cookies by name (one host, all under the server's /api paths here). */
  const jar = new Map<string, string>();
  const cookieHeader = () => [...jar].map(([name, value]) => `${name}=${value}`).join('; ');
  async function browse(url: URL | string, init: RequestInit = {}): Promise<Response> {
    const response = await fetch(url, { ...init, redirect: 'manual', headers: { ...init.headers as Record<string, string>, cookie: cookieHeader() } });
    for (const line of response.headers.getSetCookie()) {
      const [pair] = line.split(';');
      const [name, value] = [pair.slice(0, pair.indexOf('=')), pair.slice(pair.indexOf('=') + 1)];
      if (/max-age=0/i.test(line)) jar.delete(name);
      else jar.set(name, value);
    }
    return response;
  }

  async function request(config: client.Configuration, extra: Record<string, string> = {}) {
    const verifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const nonce = client.randomNonce();
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: CALLBACK, scope: 'openid profile', state, nonce,
      code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256', ...extra,
    });
    return { url, checks: { pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce } };
  }

  it('signs in once, renews silently with the same auth_time, gets login_required after logout', async () => {
    const config = await client.discovery(new URL(t.root), 'spa', undefined, client.None(), { execute: [client.allowInsecureRequests] });
    expect(config.serverMetadata().end_session_endpoint).toBe(`${t.root}/api/openid/logout`);

    const first = await request(config);
    const page = await browse(first.url);
    const form = parseSignInForm(await page.text(), page.headers.getSetCookie());
    const signedIn = await browse(new URL(form.action, t.root), {
      method: 'POST', headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ request: form.request, csrf_token: form.csrfToken, username: 'alice', password: ALICE_PASSWORD }),
    });
    expect(signedIn.status).toBe(303);
    expect(jar.has('sympauthy_session')).toBe(true);
    const tokens = await client.authorizationCodeGrant(config, new URL(signedIn.headers.get('location')!), first.checks);
    const signInTime = tokens.claims()!.auth_time;

    const renewal = await request(config, { prompt: 'none' });
    const silent = await browse(renewal.url);
    expect(silent.status).toBe(303);
    const renewed = await client.authorizationCodeGrant(config, new URL(silent.headers.get('location')!), renewal.checks);
    expect(renewed.claims()).toMatchObject({ sub: 'alice', aud: 'spa', auth_time: signInTime });

    const logout = client.buildEndSessionUrl(config, { id_token_hint: renewed.id_token!, post_logout_redirect_uri: SIGNED_OUT, state: 'bye' });
    const signedOut = await browse(logout);
    expect(signedOut.status).toBe(303);
    expect(signedOut.headers.get('location')).toBe(`${SIGNED_OUT}?state=bye`);
    expect(jar.has('sympauthy_session')).toBe(false);

    const afterLogout = await request(config, { prompt: 'none' });
    const refused = await browse(afterLogout.url);
    expect(refused.status).toBe(302);
    const error = await client.authorizationCodeGrant(config, new URL(refused.headers.get('location')!), afterLogout.checks).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(client.AuthorizationResponseError);
    expect((error as client.AuthorizationResponseError).error).toBe('login_required');
  });
});
