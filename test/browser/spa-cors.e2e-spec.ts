import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { ALICE_PASSWORD, ListeningTestApp, baseConfig, startListeningTestApp } from '../support/test-app.js';
import { SPA, TokenSet, signInAndExchange } from '../support/token-endpoint.js';
import { BrowserProfiles, PageReport, StaticSite, artifactPath, serveFiles } from './chromium.js';

const SPA_DIR = join(process.cwd(), 'test', 'browser', 'spa');
const OAUTH4WEBAPI = join(createRequire(join(process.cwd(), 'package.json')).resolve('oauth4webapi'));

interface SpaResult {
  idToken: { sub: string; aud: string; iss: string; signatureValid: boolean };
  userinfo: Record<string, unknown>;
  scope: string;
  refreshRotated: boolean;
  afterRevocation: string;
}

interface Probe {
  discovery: string;
  token?: string;
  userinfo?: string;
}

/**
 * A real SPA in a real browser (issue 8 item 6b): a static page on its own loopback origin whose
 * JavaScript (oauth4webapi, test/browser/spa/spa.js) runs the whole authorization code flow with
 * PKCE — redirect, sign-in, back, code exchange, UserInfo, refresh, revocation — every call a
 * cross-origin `fetch` that only CORS lets through. The same page served from an origin no
 * client registered is refused by the browser.
 */
describe('browser: a single-page application across origins (CORS)', () => {
  let t: ListeningTestApp;
  let spa: StaticSite;
  let browser: BrowserProfiles;

  beforeAll(async () => {
    t = await startListeningTestApp((root) => baseConfig({ urls: { root } }));
    const index = { type: 'text/html; charset=utf-8', body: readFileSync(join(SPA_DIR, 'index.html')) };
    spa = await serveFiles({
      '/': index,
      '/callback': index,
      '/spa.js': { type: 'text/javascript', body: readFileSync(join(SPA_DIR, 'spa.js')) },
      '/oauth4webapi.js': { type: 'text/javascript', body: readFileSync(OAUTH4WEBAPI) },
      '/config.js': { type: 'text/javascript', body: `export const ISSUER = ${JSON.stringify(t.root)};\nexport const CLIENT_ID = 'spa';\n` },
    });
    browser = await BrowserProfiles.launch();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await spa?.close();
  });
  afterEach(async () => browser.closePages());

  async function openPage(url: string): Promise<{ page: Page; report: PageReport }> {
    const { page, report } = await browser.newPage(1024, 768);
    await page.goto(url);
    return { page, report };
  }

  /** The request log lines of the server (method, path, status), to see what the browser sent. */
  function served(method: string, path: string): number[] {
    return t.logs.map((line) => JSON.parse(line) as { msg?: string; method?: string; path?: string; status?: number })
      .filter((l) => l.msg === 'request' && l.method === method && l.path === path).map((l) => l.status!);
  }

  it('signs in, exchanges the code, reads UserInfo, refreshes and revokes from its own origin', async () => {
    const { page, report } = await openPage(`${spa.origin}/`);
    await page.getByRole('status').filter({ hasText: 'Ready' }).waitFor();
    await page.getByRole('button', { name: 'Sign in with SympAuthy' }).click();

    await page.waitForURL(`${t.root}/api/oauth2/authorize?**`);
    await page.getByLabel('Username').fill('alice');
    await page.getByLabel('Password').fill(ALICE_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();

    await page.waitForURL(`${spa.origin}/**`);
    await page.getByRole('status').filter({ hasText: /Signed in as|Failed/ }).waitFor();
    expect(await page.getByRole('status').textContent()).toBe('Signed in as Alice Example');
    const result = JSON.parse((await page.locator('pre').textContent())!) as SpaResult;
    expect(result.idToken).toEqual({ sub: 'alice', aud: 'spa', iss: t.root, signatureValid: true });
    expect(result.userinfo).toMatchObject({ sub: 'alice', name: 'Alice Example', email: 'alice@example.com' });
    expect(result.scope).toBe('openid profile email');
    expect(result.refreshRotated).toBe(true);
    expect(result.afterRevocation).toBe('invalid_grant'); // an error the page can read: CORS on errors too
    expect(new URL(page.url()).search).toBe(''); // the SPA removed the code from the address bar
    await page.screenshot({ path: artifactPath('spa-signed-in.png'), fullPage: true });

    // What crossed origins: the browser asked before sending the bearer token (preflight), and
    // every call reached the endpoints.
    expect(served('OPTIONS', '/api/openid/userinfo')).toEqual([204]);
    expect(served('POST', '/api/oauth2/token')).toEqual([200, 200, 400]);
    expect(served('GET', '/api/openid/userinfo')).toEqual([200]);
    expect(served('POST', '/api/oauth2/revoke')).toEqual([200]);
    expect(report.pageErrors).toEqual([]);
    expect(report.cspViolations).toEqual([]);
    // The one expected console line: the browser logs the 400 of the refresh after revocation.
    expect(report.console.filter((c) => !(c.text.includes('status of 400') && c.url.endsWith('/api/oauth2/token')))).toEqual([]);
  });

  it('is refused by the browser on an origin no client registered, with the same valid token', async () => {
    const tokens: TokenSet = await signInAndExchange(t, SPA, 'http://127.0.0.1/callback', { scope: 'openid' });
    // localhost is not the loopback literal the SPA registered: another origin, same page.
    const unregistered = `http://localhost:${spa.port}`;
    const registered = await openPage(`${spa.origin}/`);
    const stranger = await openPage(`${unregistered}/`);
    const probe = (page: Page) => page.evaluate((token) => (globalThis as unknown as { probeServer(t: string): Promise<Probe> }).probeServer(token), tokens.access_token);

    expect(await probe(registered.page)).toEqual({ discovery: 'HTTP 200', token: 'HTTP 400', userinfo: 'HTTP 200' });
    // Discovery answers any origin; the token endpoint and UserInfo answer none of this origin's
    // requests: fetch rejects with a TypeError, the page reads nothing.
    expect(await probe(stranger.page)).toEqual({ discovery: 'HTTP 200', token: 'TypeError', userinfo: 'TypeError' });
    expect(stranger.report.console.map((c) => c.text).join('\n')).toMatch(/blocked by CORS policy/);
  });
});
