// Risk: a sign-in form sealed before a configuration reload took a scope from its client (or
// removed the scope) still completes with that scope: the code, then the access token, the ID
// token and the refresh-token family carry a scope the operator has just withdrawn, for as long as
// the form lives (10 minutes) and the refresh tokens after it. RFC 6749 §3.3 (the server grants
// scopes by its policy), docs/live-configuration.md (a reload applies to the next request).
import { NoScriptBrowser } from '../support/no-script-browser.js';
import { ALICE_PASSWORD, TestApp, baseConfig, startTestApp } from '../support/test-app.js';
import { WEB_APP, WEB_APP_CALLBACK, exchangeCode, refresh } from '../support/token-endpoint.js';
import { reloadConfiguration, rewriteConfiguration } from '../support/live-reload.js';

const web = { client_id: 'web-app', redirect_uri: WEB_APP_CALLBACK };

function config(allowedScopes: string[], customScope = true): Record<string, unknown> {
  const base = baseConfig(customScope ? { scopes: { 'invoices:read': { description: 'Your invoices, read only' } } } : {});
  (base.clients as Record<string, Record<string, unknown>>)['web-app']['allowed-scopes'] = allowedScopes;
  return base;
}

function claimsOf(jwt: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString('utf8')) as Record<string, unknown>;
}

describe('security: a sign-in form sealed before a reload narrowed its client\'s scopes', () => {
  let t: TestApp;
  beforeEach(async () => { t = await startTestApp(config(['openid', 'profile', 'email', 'invoices:read'])); });
  afterEach(async () => t.close());

  function reloadWith(next: Record<string, unknown>): void {
    rewriteConfiguration(t, next);
    expect(reloadConfiguration(t).outcome).toBe('success');
  }

  async function openForm(browser: NoScriptBrowser) {
    const answer = await browser.authorize({ ...web, scope: 'openid email invoices:read' });
    if (answer.kind !== 'form') throw new Error('expected the sign-in form');
    expect(answer.form.html).toContain('Your email address');
    return answer;
  }

  it('drops a scope taken from the client: not in the code, the tokens or the refreshed tokens', async () => {
    const browser = new NoScriptBrowser(t);
    const answer = await openForm(browser);
    reloadWith(config(['openid', 'profile', 'invoices:read']));
    const signedIn = await browser.signIn(answer.form, 'alice', ALICE_PASSWORD);
    expect(signedIn.status).toBe(303);
    const code = new URL(String(signedIn.headers.location)).searchParams.get('code')!;
    const tokens = await exchangeCode(t, { code, location: new URL(WEB_APP_CALLBACK), verifier: answer.verifier, redirectUri: WEB_APP_CALLBACK }, WEB_APP);
    expect(tokens.status).toBe(200);
    expect(tokens.body.scope).toBe('openid invoices:read');
    expect(claimsOf(tokens.body.access_token).scope).toBe('openid invoices:read');
    expect(claimsOf(tokens.body.id_token).email).toBeUndefined();
    const refreshed = await refresh(t, tokens.body.refresh_token, WEB_APP);
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.scope).toBe('openid invoices:read');
  });

  it('drops a scope the reload removed from the configuration', async () => {
    const browser = new NoScriptBrowser(t);
    const answer = await openForm(browser);
    reloadWith(config(['openid', 'profile', 'email'], false));
    const signedIn = await browser.signIn(answer.form, 'alice', ALICE_PASSWORD);
    expect(signedIn.status).toBe(303);
    const code = new URL(String(signedIn.headers.location)).searchParams.get('code')!;
    const tokens = await exchangeCode(t, { code, location: new URL(WEB_APP_CALLBACK), verifier: answer.verifier, redirectUri: WEB_APP_CALLBACK }, WEB_APP);
    expect(tokens.body.scope).toBe('openid email');
  });

  it('shows only what the client still gets when the form comes back after a wrong password', async () => {
    const browser = new NoScriptBrowser(t);
    const answer = await openForm(browser);
    reloadWith(config(['openid', 'profile', 'invoices:read']));
    const wrong = await browser.signIn(answer.form, 'alice', 'wrong');
    expect(wrong.status).toBe(200);
    expect(wrong.text).toContain('Your invoices, read only');
    expect(wrong.text).not.toContain('Your email address');
  });
});
