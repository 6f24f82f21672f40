import { mkdirSync, mkdtempSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { stringify } from 'yaml';
import { ConfigMapVolume, configMapVolume } from './support/config-volume.js';
import { ServerProcess } from './support/node-process.js';
import { TestApp, baseConfig, startTestAppFromFiles } from './support/test-app.js';

/**
 * What starts a reload (SPEC §5): with SYMPAUTHY_WATCH_CONFIG=true, a change of any file the
 * configuration was read from — a Kubernetes ConfigMap or Secret volume update (the `..data`
 * symlink swapped), a file renamed into place, a file written in place — and SIGHUP to the
 * process, watching or not.
 */

const NEW_CLIENT = { id: 'new-svc', secret: 'new-svc-secret' };
const RELOADED_WITHIN_MS = 8_000;

function withNewClient(config: Record<string, unknown>): Record<string, unknown> {
  return { ...config, clients: { ...(config.clients as object), [NEW_CLIENT.id]: { secret: NEW_CLIENT.secret, 'allowed-grant-types': ['client_credentials'] } } };
}

const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

/** Asks for a client-credentials token until `expected` answers (a reload takes effect within the watcher's debounce). */
async function eventually(status: () => Promise<number>, expected: number): Promise<void> {
  const deadline = Date.now() + RELOADED_WITHIN_MS;
  let last = 0;
  while (Date.now() < deadline) {
    last = await status();
    if (last === expected) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`still ${last} after ${RELOADED_WITHIN_MS} ms, expected ${expected}`);
}

function tokenStatus(t: TestApp, id: string, secret: string): () => Promise<number> {
  return async () => (await request(t.server).post('/api/oauth2/token').set('authorization', basic(id, secret)).type('form')
    .send({ grant_type: 'client_credentials' })).status;
}

describe('live configuration: the watcher (SYMPAUTHY_WATCH_CONFIG=true)', () => {
  let dir: string;
  let t: TestApp | undefined;
  beforeEach(() => { dir = mkdtempSync(join(tmpdir(), 'live-config-watch-')); });
  afterEach(async () => {
    await t?.close();
    t = undefined;
    rmSync(dir, { recursive: true, force: true });
  });

  const start = async (files: string[]) => {
    t = await startTestAppFromFiles(files, { env: { SYMPAUTHY_CONFIG: files.join(','), SYMPAUTHY_WATCH_CONFIG: 'true' } });
    expect(await tokenStatus(t, NEW_CLIENT.id, NEW_CLIENT.secret)()).toBe(401);
    return t;
  };

  it('reloads on a Kubernetes ConfigMap volume update, and a Secret volume update of a ${file:…} reference', async () => {
    const configMap = configMapVolume(mkdirIn(dir, 'config'), { 'sympauthy.yml': stringify(baseConfig()), 'clients.yml': 'clients: {}\n' });
    const secrets: ConfigMapVolume = configMapVolume(mkdirIn(dir, 'secrets'), { 'new-svc': 'first-secret\n' });
    const clients = (secret: string) => stringify({ clients: { [NEW_CLIENT.id]: { secret, 'allowed-grant-types': ['client_credentials'] } } });
    const app = await start([configMap.path('sympauthy.yml'), configMap.path('clients.yml')]);

    configMap.update({ 'sympauthy.yml': stringify(baseConfig()), 'clients.yml': clients(`\${file:${secrets.path('new-svc')}}`) });
    await eventually(tokenStatus(app, NEW_CLIENT.id, 'first-secret'), 200);

    secrets.update({ 'new-svc': 'second-secret\n' });
    await eventually(tokenStatus(app, NEW_CLIENT.id, 'second-secret'), 200);
    expect(await tokenStatus(app, NEW_CLIENT.id, 'first-secret')()).toBe(401);
    const reloads = app.logs.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.event === 'config_reload');
    expect(reloads.map((l) => [l.outcome, l.trigger])).toEqual([['success', 'file change'], ['success', 'file change']]);
  });

  it('reloads when the file is renamed into place', async () => {
    const file = join(dir, 'sympauthy.yml');
    writeFileSync(file, stringify(baseConfig()));
    const app = await start([file]);
    writeFileSync(join(dir, '.sympauthy.yml.swp'), stringify(withNewClient(baseConfig())));
    renameSync(join(dir, '.sympauthy.yml.swp'), file);
    await eventually(tokenStatus(app, NEW_CLIENT.id, NEW_CLIENT.secret), 200);
  });

  it('reloads when the file is written in place', async () => {
    const file = join(dir, 'sympauthy.yml');
    writeFileSync(file, stringify(baseConfig()));
    const app = await start([file]);
    writeFileSync(file, stringify(withNewClient(baseConfig())));
    await eventually(tokenStatus(app, NEW_CLIENT.id, NEW_CLIENT.secret), 200);
  });

  it('does not watch unless asked to', async () => {
    const file = join(dir, 'sympauthy.yml');
    writeFileSync(file, stringify(baseConfig()));
    t = await startTestAppFromFiles([file], { env: { SYMPAUTHY_CONFIG: file } });
    writeFileSync(file, stringify(withNewClient(baseConfig())));
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    expect(await tokenStatus(t, NEW_CLIENT.id, NEW_CLIENT.secret)()).toBe(401);
  });
});

function mkdirIn(parent: string, name: string): string {
  const path = join(parent, name);
  mkdirSync(path);
  return path;
}

describe('live configuration: SIGHUP (a real process, not watching)', () => {
  let dir: string;
  let server: ServerProcess | undefined;
  beforeAll(() => { dir = mkdtempSync(join(tmpdir(), 'live-config-sighup-')); });
  afterAll(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  const status = (id: string, secret: string) => async () => (await fetch(`${server!.url}/api/oauth2/token`, {
    method: 'POST', headers: { authorization: basic(id, secret), 'content-type': 'application/x-www-form-urlencoded' }, body: 'grant_type=client_credentials',
  })).status;

  it('reloads on SIGHUP, refuses an invalid configuration and keeps serving, counts both in /metrics', async () => {
    const file = join(dir, 'sympauthy.yml');
    writeFileSync(file, stringify(baseConfig()));
    server = await ServerProcess.start({ SYMPAUTHY_CONFIG: file });
    expect(await status(NEW_CLIENT.id, NEW_CLIENT.secret)()).toBe(401);

    writeFileSync(file, stringify(withNewClient(baseConfig())));
    server.signal('SIGHUP');
    await eventually(status(NEW_CLIENT.id, NEW_CLIENT.secret), 200);
    expect(server.printed).toMatch(/"event":"config_reload","outcome":"success","trigger":"SIGHUP"/);

    writeFileSync(file, stringify(withNewClient(baseConfig({ urls: { root: 'not a url' } }))).replace('svc-secret', '${SIGHUP_TEST_UNSET}'));
    server.signal('SIGHUP');
    await eventually(async () => (server!.printed.includes('"outcome":"failure"') ? 1 : 0), 1);
    expect(server.printed).toContain('urls.root: must be an absolute http(s) URL without query or fragment');
    expect(server.printed).toContain('environment variable SIGHUP_TEST_UNSET is not set and has no default');
    expect(await status(NEW_CLIENT.id, NEW_CLIENT.secret)()).toBe(200);
    expect(await status('svc', 'svc-secret')()).toBe(200);

    const metrics = await (await fetch(`${server.url}/metrics`)).text();
    expect(metrics).toMatch(/^sympauthy_config_reloads_total\{outcome="success"\} 1$/m);
    expect(metrics).toMatch(/^sympauthy_config_reloads_total\{outcome="failure"\} 1$/m);
    expect(metrics).toMatch(/^sympauthy_config_info\{hash="[0-9a-f]{16}"\} 1$/m);
    expect(metrics).toMatch(/^sympauthy_config_last_reload_successful 0$/m);
  });
});
