// Risk: a file the configuration names — a `${file:…}` Secret, a `private-key-file`, a
// `store.tls.*-file`, a configuration file — that is a device or FIFO or is huge (a Secret volume
// replaced by the wrong thing, a path typo such as /dev/zero or /dev/urandom) was read whole with
// `readFileSync`, synchronously: the event loop stopped while memory grew without bound (a
// FIFO blocked forever), at startup, in `config:check`, and on a live reload of a running server,
// which then stopped answering every request. The live-configuration watcher fingerprints the same
// files on every poll. docs/configuration.md (References), docs/live-configuration.md.
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { reloadConfiguration, rewriteConfiguration } from '../support/live-reload.js';
import { TestApp, baseConfig, startTestApp } from '../support/test-app.js';

function svcConfig(secretFile: string): Record<string, unknown> {
  const config = baseConfig();
  (config.clients as Record<string, Record<string, unknown>>).svc.secret = `\${file:${secretFile}}`;
  return config;
}

describe('security: a configuration naming a huge file, a device or a FIFO', () => {
  let dir: string;
  let t: TestApp;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'config-exhaustion-'));
    writeFileSync(join(dir, 'svc-secret'), 'svc-secret-from-file\n');
    t = await startTestApp(svcConfig(join(dir, 'svc-secret')));
  });
  afterAll(async () => {
    await t.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function clientCredentials(secret: string): Promise<number> {
    const res = await request(t.server).post('/api/oauth2/token').auth('svc', secret).type('form').send({ grant_type: 'client_credentials' });
    return res.status;
  }

  it('refuses a reload whose Secret file is over 1 MiB without reading it, and keeps serving the previous configuration', async () => {
    const huge = join(dir, 'huge-secret');
    writeFileSync(huge, '');
    truncateSync(huge, 512 * 1024 * 1024); // 512 MiB (sparse): read whole, a 512 MiB string in the heap
    rewriteConfiguration(t, svcConfig(huge));
    const started = Date.now();
    const result = reloadConfiguration(t);
    expect(Date.now() - started).toBeLessThan(1000);
    expect(result.outcome).toBe('failure');
    expect(result.problems).toEqual([`clients.svc.secret: cannot read file ${huge} (larger than 1048576 bytes)`]);
    expect(await clientCredentials('svc-secret-from-file')).toBe(200);
  });

  it('refuses a reload whose Secret file is /dev/zero or /dev/urandom (never-ending) at once', async () => {
    for (const device of ['/dev/zero', '/dev/urandom']) {
      rewriteConfiguration(t, svcConfig(device));
      const result = reloadConfiguration(t);
      expect(result.problems).toEqual([`clients.svc.secret: cannot read file ${device} (not a regular file)`]);
    }
    expect(await clientCredentials('svc-secret-from-file')).toBe(200);
  });

  it('refuses a private-key-file that is a device', () => {
    const config = baseConfig({ keys: { 'access-token': [{ id: 'k1', 'private-key-file': '/dev/zero' }] } });
    rewriteConfiguration(t, config);
    const result = reloadConfiguration(t);
    expect(result.outcome).toBe('failure');
    expect(result.problems).toContain('keys.access-token.0.private-key-file: cannot read /dev/zero (not a regular file)');
  });
});
