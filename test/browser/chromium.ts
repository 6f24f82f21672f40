import { existsSync, mkdirSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import type { Browser, BrowserContext, Page } from 'playwright-core';

/** Debian's `chromium` package (`.ci/run` installs it); the Playwright browser download is not used. */
export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Headless, and quiet on a closed network: no sandbox (CI containers run as root), no GPU, and
 * none of the background traffic (QUIC probes, component updates, sync, first-run pages).
 * Playwright gives each launch a fresh temporary profile (`--user-data-dir`).
 */
const CHROMIUM_ARGS = [
  '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
];

/** Screenshots of the browser tests (gitignored). */
export const ARTIFACTS_DIR = join(process.cwd(), 'test', 'artifacts');

/** Chromium's own output (stderr), kept to explain a browser that went away; D-Bus noise left out. */
const chromiumOutput: string[] = [];
const exitReport = () => `Chromium exited during the tests; its last output:\n${chromiumOutput.join('\n')}`;

/** Launches Chromium, or fails with what to install: a browser test never skips silently. */
export async function launchChromium(): Promise<Browser> {
  if (!existsSync(CHROMIUM_PATH)) {
    throw new Error(`Chromium is not installed at ${CHROMIUM_PATH}: the browser tests need it. ` +
      'Install Debian\'s package (DEBIAN_FRONTEND=noninteractive apt-get install -y --no-install-recommends chromium; .ci/run does) ' +
      'or set CHROMIUM_PATH.');
  }
  return chromium.launch({
    executablePath: CHROMIUM_PATH, headless: true, args: CHROMIUM_ARGS, timeout: 20_000,
    logger: {
      isEnabled: (name) => name === 'browser',
      log: (_name, _severity, message) => {
        const line = String(message);
        if (/dbus|unexpected operator/.test(line)) return;
        chromiumOutput.push(line);
        if (chromiumOutput.length > 40) chromiumOutput.shift();
      },
    },
  });
}

export function artifactPath(name: string): string {
  mkdirSync(ARTIFACTS_DIR, { recursive: true });
  return join(ARTIFACTS_DIR, name);
}

/** What a page reported while a test used it. */
export interface PageReport {
  /** Console messages of type error or warning, with the URL of the document that logged them. */
  console: { type: string; text: string; url: string }[];
  /** Uncaught exceptions of the page's scripts. */
  pageErrors: string[];
  /** Content-Security-Policy violations (`securitypolicyviolation` events). */
  cspViolations: string[];
  /** Every URL the page requested. */
  requests: string[];
}

/** Starts recording what `page` reports (across navigations). */
export async function watchPage(page: Page): Promise<PageReport> {
  const report: PageReport = { console: [], pageErrors: [], cspViolations: [], requests: [] };
  page.on('console', (message) => {
    if (message.type() === 'error' || message.type() === 'warning') {
      report.console.push({ type: message.type(), text: message.text(), url: message.location().url });
    }
  });
  page.on('pageerror', (error) => report.pageErrors.push(error.message));
  page.on('request', (request) => report.requests.push(request.url()));
  await page.exposeBinding('__reportCspViolation', (_source, violation: string) => { report.cspViolations.push(violation); });
  // A string, not a function: this project compiles without the DOM library.
  await page.addInitScript(`document.addEventListener('securitypolicyviolation',
    (e) => window.__reportCspViolation(e.effectiveDirective + ' ' + e.blockedURI));`);
  return report;
}

export interface StaticSite {
  /** `http://127.0.0.1:PORT` */
  origin: string;
  port: number;
  /** Paths requested so far (without query), in order. */
  requested: string[];
  close(): Promise<void>;
}

/** A static web server on a loopback port: `files` maps a path (query ignored) to its content. */
export async function serveFiles(files: Record<string, { type: string; body: string | Buffer }>): Promise<StaticSite> {
  const requested: string[] = [];
  const server = createServer((req, res) => {
    const path = (req.url ?? '/').split('?')[0];
    requested.push(path);
    const file = Object.hasOwn(files, path) ? files[path] : undefined;
    if (!file) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    res.writeHead(200, { 'content-type': file.type, 'cache-control': 'no-store' }).end(file.body);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    origin: `http://127.0.0.1:${port}`,
    port,
    requested,
    close: () => new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    }),
  };
}

/** One Chromium for a test file; each page in a fresh profile (context), closed after each test. */
export class BrowserProfiles {
  private readonly contexts: BrowserContext[] = [];
  private closing = false;

  private constructor(private readonly browser: Browser) {
    browser.on('disconnected', () => {
      if (!this.closing) console.error(exitReport());
    });
  }

  static async launch(): Promise<BrowserProfiles> {
    return new BrowserProfiles(await launchChromium());
  }

  /** A watched page in a new profile, `width` px wide, with 10 s timeouts. */
  async newPage(width: number, height = 800): Promise<{ page: Page; report: PageReport }> {
    if (!this.browser.isConnected()) throw new Error(exitReport());
    const context = await this.browser.newContext({ viewport: { width, height } });
    this.contexts.push(context);
    const page = await context.newPage();
    page.setDefaultTimeout(10_000);
    return { page, report: await watchPage(page) };
  }

  async closePages(): Promise<void> {
    await Promise.all(this.contexts.splice(0).map((c) => c.close()));
  }

  async close(): Promise<void> {
    this.closing = true;
    await this.closePages();
    await this.browser.close();
  }
}
