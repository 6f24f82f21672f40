import type { Page } from 'playwright-core';
import { PendingSignIns } from '../../src/authorize/sign-in/pending-sign-in.js';
import { pkcePair } from '../support/browser-flow.js';
import { ALICE_PASSWORD, ListeningTestApp, baseConfig, startListeningTestApp } from '../support/test-app.js';
import { ShiftableClock } from '../support/token-endpoint.js';
import { BrowserProfiles, PageReport, StaticSite, artifactPath, serveFiles } from './chromium.js';

const CALLBACK_PAGE = '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><title>Example SPA</title><link rel="icon" href="data:,"></head><body><p>Back in Example SPA</p></body></html>';

/** Layout facts of the current page, measured by the browser. */
interface Layout {
  viewport: number;
  scrollWidth: number;
  card: { left: number; right: number; width: number };
  fonts: { body: string; button: string; input: string };
  smallestControlHeight: number;
}

const MEASURE_LAYOUT = `(() => {
  const rect = document.querySelector('main').getBoundingClientRect();
  const font = (selector) => { const el = document.querySelector(selector); return el ? getComputedStyle(el).fontFamily : ''; };
  const controls = [...document.querySelectorAll('input:not([type=hidden]), button')];
  return {
    viewport: window.innerWidth,
    scrollWidth: document.documentElement.scrollWidth,
    card: { left: rect.left, right: rect.right, width: rect.width },
    fonts: { body: font('body'), button: font('button'), input: font('input:not([type=hidden])') },
    smallestControlHeight: Math.min(...controls.map((c) => c.getBoundingClientRect().height)),
  };
})()`;

/**
 * The sign-in page in a real browser (issue 8 item 6a, issue 9 item 7): Debian's Chromium,
 * headless, driven as a user would — by labels, roles and the keyboard, never by field names.
 */
describe('browser: the sign-in page', () => {
  let t: ListeningTestApp;
  let app: StaticSite;
  let browser: BrowserProfiles;
  const clock = new ShiftableClock();

  beforeAll(async () => {
    app = await serveFiles({ '/callback': { type: 'text/html; charset=utf-8', body: CALLBACK_PAGE } });
    t = await startListeningTestApp((root) => {
      const config = baseConfig({ urls: { root } });
      (config.clients as Record<string, Record<string, unknown>>).spa.name = 'Example SPA';
      return config;
    });
    t.app.get(PendingSignIns).now = clock.now;
    browser = await BrowserProfiles.launch();
  });
  afterAll(async () => {
    await browser?.close();
    await t?.close();
    await app?.close();
  });
  afterEach(async () => browser.closePages());

  const redirectUri = () => `${app.origin}/callback`;

  /** A fresh browser profile opening the SPA's authorization URL. */
  async function openSignIn(width = 1280, state = 'st-browser'): Promise<{ page: Page; report: PageReport }> {
    const { page, report } = await browser.newPage(width);
    const query = new URLSearchParams({
      response_type: 'code', client_id: 'spa', redirect_uri: redirectUri(), scope: 'openid profile email', state,
      code_challenge: pkcePair().challenge, code_challenge_method: 'S256',
    });
    const response = await page.goto(`${t.root}/api/oauth2/authorize?${query.toString()}`);
    expect(response?.status()).toBe(200);
    return { page, report };
  }

  const FOCUSED_NAME = `(() => { const el = document.activeElement; return (el.labels?.[0]?.textContent ?? el.textContent ?? '').trim(); })()`;

  /** The label (or text) of the focused control. */
  async function focusedName(page: Page): Promise<string> {
    return page.evaluate<string>(FOCUSED_NAME);
  }

  /** Waits until the autofocused field has the focus (Chromium applies autofocus just after load). */
  async function autofocusOn(page: Page, name: string): Promise<void> {
    await page.waitForFunction(`${FOCUSED_NAME} === ${JSON.stringify(name)}`, undefined, { timeout: 2000 });
  }

  /** Nothing went wrong in the page: no script error, no CSP violation, no favicon 404. */
  function expectCleanPage(report: PageReport, allowedConsole: (entry: PageReport['console'][number]) => boolean = () => false): void {
    expect(report.pageErrors).toEqual([]);
    expect(report.cspViolations).toEqual([]);
    expect(report.console.filter((entry) => !allowedConsole(entry))).toEqual([]);
    expect(report.requests.filter((url) => url.endsWith('/favicon.ico'))).toEqual([]);
  }

  it('shows the client, refuses a wrong password in place, then lands on the redirect URI with a code', async () => {
    const { page, report } = await openSignIn();
    const appRequests = app.requested.length;
    expect(await page.title()).toBe('Sign in to Example SPA');
    await page.getByRole('heading', { level: 1, name: 'Sign in' }).waitFor();
    expect(await page.getByText('to continue to Example SPA').count()).toBe(1);
    expect(await page.getByRole('listitem').allTextContents()).toEqual([
      'Your account ID, so it knows it is you', 'Your name and profile details', 'Your email address',
    ]);
    await autofocusOn(page, 'Username');

    await page.getByLabel('Username').fill('alice');
    await page.getByLabel('Password').fill('not-the-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').waitFor();
    expect(await page.getByRole('alert').textContent()).toBe('Incorrect username or password.');
    expect(new URL(page.url()).origin).toBe(t.root); // no redirect
    expect(app.requested.length).toBe(appRequests);
    expect(await page.getByLabel('Username').inputValue()).toBe('alice');
    await autofocusOn(page, 'Password'); // the field to fix
    await page.screenshot({ path: artifactPath('sign-in-wrong-password-1280.png'), fullPage: true });

    await page.getByLabel('Password').fill(ALICE_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.waitForURL(`${redirectUri()}?**`);
    const landed = new URL(page.url());
    expect(landed.searchParams.get('code')).toMatch(/^[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}$/);
    expect(landed.searchParams.get('state')).toBe('st-browser');
    expect(landed.searchParams.get('iss')).toBe(t.root);
    await page.getByText('Back in Example SPA').waitFor();
    expectCleanPage(report);
  });

  it('signs in with the keyboard alone: type, Tab, type, Tab to the button, Enter', async () => {
    const { page, report } = await openSignIn();
    await autofocusOn(page, 'Username');
    await page.keyboard.type('alice');
    await page.keyboard.press('Tab');
    expect(await focusedName(page)).toBe('Password');
    await page.keyboard.type(ALICE_PASSWORD);
    await page.keyboard.press('Tab');
    expect(await focusedName(page)).toBe('Sign in');
    await page.keyboard.press('Enter');
    await page.waitForURL(`${redirectUri()}?**`);
    expect(new URL(page.url()).searchParams.get('code')).toMatch(/^[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}$/);
    expectCleanPage(report);
  });

  it('has labelled inputs and named buttons, and one font for text and controls', async () => {
    const { page } = await openSignIn();
    expect(await page.getByRole('textbox', { name: 'Username' }).getAttribute('autocomplete')).toBe('username');
    expect(await page.getByLabel('Password').getAttribute('type')).toBe('password');
    expect(await page.getByRole('button').allTextContents()).toEqual(['Sign in', 'Cancel and return to Example SPA']);
    const layout = await page.evaluate<Layout>(MEASURE_LAYOUT);
    expect(layout.fonts.button).toBe(layout.fonts.body);
    expect(layout.fonts.input).toBe(layout.fonts.body);
  });

  it('goes back to the application with Cancel: access_denied and the state', async () => {
    const { page, report } = await openSignIn(375, 'st-cancel');
    await page.getByRole('button', { name: 'Cancel and return to Example SPA' }).click();
    await page.waitForURL(`${redirectUri()}?**`);
    const landed = new URL(page.url());
    expect(landed.searchParams.get('error')).toBe('access_denied');
    expect(landed.searchParams.get('state')).toBe('st-cancel');
    expect(landed.searchParams.get('code')).toBeNull();
    expectCleanPage(report);
  });

  it.each([375, 1280])('is laid out for a %i px wide screen: margins, no sideways scroll, 44 px controls (screenshot)', async (width) => {
    const { page, report } = await openSignIn(width);
    const layout = await page.evaluate<Layout>(MEASURE_LAYOUT);
    expect(layout.viewport).toBe(width);
    expect(layout.scrollWidth).toBeLessThanOrEqual(width);
    expect(layout.card.left).toBeGreaterThanOrEqual(16);
    expect(width - layout.card.right).toBeGreaterThanOrEqual(16);
    expect(Math.abs(layout.card.left - (width - layout.card.right))).toBeLessThanOrEqual(1); // centred
    expect(layout.card.width).toBeLessThanOrEqual(420); // a card, not a full-width form
    expect(layout.smallestControlHeight).toBeGreaterThanOrEqual(44);
    await page.screenshot({ path: artifactPath(`sign-in-${width}.png`), fullPage: true });
    if (process.env.UPDATE_DOCS_SCREENSHOT === '1' && width === 375) {
      await page.setViewportSize({ width: 480, height: 760 });
      await page.screenshot({ path: 'docs/images/sign-in.png' });
    }
    expectCleanPage(report);
  });

  it('explains an expired sign-in once, in the same layout, at 375 px (screenshot)', async () => {
    const { page, report } = await openSignIn(375);
    const appRequests = app.requested.length;
    clock.advance(11 * 60_000); // the user comes back after the 10 minutes a pending sign-in lives
    await page.getByLabel('Username').fill('alice');
    await page.getByLabel('Password').fill(ALICE_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('alert').waitFor();
    const text = await page.locator('main').innerText();
    expect(text.match(/return to the application/gi)?.length ?? 0).toBeLessThanOrEqual(1);
    expect(app.requested.length).toBe(appRequests);
    const layout = await page.evaluate<Layout>(MEASURE_LAYOUT);
    expect(layout.card.left).toBeGreaterThanOrEqual(16);
    expect(375 - layout.card.right).toBeGreaterThanOrEqual(16);
    await page.screenshot({ path: artifactPath('sign-in-expired-375.png'), fullPage: true });
    expectCleanPage(report, (entry) => /status of 4\d\d/.test(entry.text) && entry.url.endsWith('/api/oauth2/sign-in'));
  });
});
