// Risk: a user removed by a configuration reload keeps their single sign-on session: the
// authorization endpoint answers `prompt=none` with a code (telling the application that the
// user is signed in), skips the form for them, and — when the username is given to someone else
// within the session's lifespan — the old browser is served codes, then tokens, as the new user
// without a password. OIDC Core §3.1.2.1 (prompt=none: login_required when the end-user is not
// authenticated), docs/live-configuration.md ("a removed user cannot sign in any more").
import { NoScriptBrowser } from '../support/no-script-browser.js';
import { ALICE_HASH, ALICE_PASSWORD, TestApp, baseConfig, startTestApp } from '../support/test-app.js';
import { WEB_APP_CALLBACK } from '../support/token-endpoint.js';
import { reloadConfiguration, rewriteConfiguration } from '../support/live-reload.js';

const web = { client_id: 'web-app', redirect_uri: WEB_APP_CALLBACK };

function config(bob: boolean): Record<string, unknown> {
  const base = baseConfig();
  if (bob) (base.users as Record<string, unknown>).bob = { password: ALICE_HASH, claims: { name: 'Bob Example' } };
  return base;
}

describe('security: the session of a user a reload removed', () => {
  let t: TestApp;
  beforeEach(async () => { t = await startTestApp(config(true)); });
  afterEach(async () => t.close());

  function reloadWith(next: Record<string, unknown>): void {
    rewriteConfiguration(t, next);
    expect(reloadConfiguration(t).outcome).toBe('success');
  }

  async function bobSignedIn(): Promise<NoScriptBrowser> {
    const browser = new NoScriptBrowser(t);
    await browser.signInTo(web, 'bob', ALICE_PASSWORD);
    await browser.silentCode({ ...web, prompt: 'none' });
    return browser;
  }

  it('answers prompt=none with login_required, not a code', async () => {
    const browser = await bobSignedIn();
    reloadWith(config(false));
    const answer = await browser.authorize({ ...web, prompt: 'none' });
    if (answer.kind !== 'redirect') throw new Error('expected a redirect');
    expect(answer.location.searchParams.get('code')).toBeNull();
    expect(answer.location.searchParams.get('error')).toBe('login_required');
  });

  it('shows the form, without "You are signed in as" the removed user', async () => {
    const browser = await bobSignedIn();
    reloadWith(config(false));
    const answer = await browser.authorize(web);
    if (answer.kind !== 'form') throw new Error(`expected the form, got ${answer.location}`);
    expect(answer.form.html).not.toContain('signed in as');
    expect(answer.form.html).not.toContain('Bob Example');
  });

  it('ends the session: a user given the same username later is not signed in by the old browser', async () => {
    const browser = await bobSignedIn();
    reloadWith(config(false));
    expect((await browser.authorize({ ...web, prompt: 'none' })).kind).toBe('redirect');
    reloadWith(config(true));
    const answer = await browser.authorize({ ...web, prompt: 'none' });
    if (answer.kind !== 'redirect') throw new Error('expected a redirect');
    expect(answer.location.searchParams.get('error')).toBe('login_required');
  });
});
