import { mkdirSync, mkdtempSync, renameSync, rmSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { configMapVolume } from '../../test/support/config-volume.js';
import { ConfigurationWatcher } from './configuration-watcher.js';

/** How long a test waits for a change to be noticed, and how long it waits to be sure none is. */
const NOTICED_WITHIN_MS = 3_000;
const QUIET_MS = 400;

let dir: string;
let watcher: ConfigurationWatcher | undefined;
let changes: number;
let waiting: (() => void)[];

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'config-watcher-'));
  changes = 0;
  waiting = [];
});
afterEach(() => {
  watcher?.close();
  watcher = undefined;
  rmSync(dir, { recursive: true, force: true });
});

function startWatching(files: string[], pollMs = 60_000): void {
  watcher = new ConfigurationWatcher(() => {
    changes++;
    waiting.splice(0).forEach((resolve) => resolve());
  }, { debounceMs: 50, pollMs });
  watcher.watch(files);
}

function nextChange(): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`no change noticed within ${NOTICED_WITHIN_MS} ms`)), NOTICED_WITHIN_MS);
    waiting.push(() => { clearTimeout(timer); resolve(); });
  });
}

const quiet = () => new Promise((resolve) => setTimeout(resolve, QUIET_MS));

describe('ConfigurationWatcher', () => {
  it('notices a file written in place', async () => {
    const file = join(dir, 'sympauthy.yml');
    writeFileSync(file, 'a: 1\n');
    startWatching([file]);
    const noticed = nextChange();
    writeFileSync(file, 'a: 2\n');
    await noticed;
    expect(changes).toBe(1);
  });

  it('notices a file replaced by a rename, and the next one too (the new inode is watched)', async () => {
    const file = join(dir, 'sympauthy.yml');
    writeFileSync(file, 'a: 1\n');
    startWatching([file]);
    for (const content of ['a: 2\n', 'a: 3\n']) {
      const noticed = nextChange();
      writeFileSync(join(dir, '.sympauthy.yml.tmp'), content);
      renameSync(join(dir, '.sympauthy.yml.tmp'), file);
      await noticed;
    }
    expect(changes).toBe(2);
  });

  it('notices a Kubernetes ConfigMap volume update (the ..data symlink swapped), twice', async () => {
    const volume = configMapVolume(dir, { 'sympauthy.yml': 'a: 1\n', 'other.yml': 'b: 1\n' });
    startWatching([volume.path('sympauthy.yml')]);
    for (const content of ['a: 2\n', 'a: 3\n']) {
      const noticed = nextChange();
      volume.update({ 'sympauthy.yml': content, 'other.yml': 'b: 1\n' });
      await noticed;
    }
    expect(changes).toBe(2);
  });

  it('does not call when a watched directory changes but no watched content does', async () => {
    const volume = configMapVolume(dir, { 'sympauthy.yml': 'a: 1\n', 'other.yml': 'b: 1\n' });
    const plain = join(dir, 'plain.yml');
    writeFileSync(plain, 'c: 1\n');
    startWatching([volume.path('sympauthy.yml'), plain]);
    volume.update({ 'sympauthy.yml': 'a: 1\n', 'other.yml': 'b: 2\n' }); // only a file nobody watches
    writeFileSync(plain, 'c: 1\n'); // same content
    utimesSync(plain, new Date(), new Date());
    writeFileSync(join(dir, 'unrelated.txt'), 'x');
    await quiet();
    expect(changes).toBe(0);
  });

  it('calls once for a burst of writes (debounce)', async () => {
    const file = join(dir, 'sympauthy.yml');
    writeFileSync(file, 'a: 0\n');
    startWatching([file]);
    const noticed = nextChange();
    for (let i = 1; i <= 5; i++) writeFileSync(file, `a: ${i}\n`);
    await noticed;
    await quiet();
    expect(changes).toBe(1);
  });

  it('watches a referenced file in another directory, and a file that appears later', async () => {
    const secrets = join(dir, 'secrets');
    mkdirSync(secrets);
    const config = join(dir, 'sympauthy.yml');
    writeFileSync(config, 'a: 1\n');
    const secret = join(secrets, 'web-app');
    startWatching([config, secret]); // the secret is not there yet
    const appeared = nextChange();
    writeFileSync(secret, 's1\n');
    await appeared;
    const changed = nextChange();
    writeFileSync(secret, 's2\n');
    await changed;
    expect(changes).toBe(2);
  });

  it('re-arms the watch of a directory replaced whole', async () => {
    const mounted = join(dir, 'config');
    mkdirSync(mounted);
    const file = join(mounted, 'sympauthy.yml');
    writeFileSync(file, 'a: 1\n');
    startWatching([file]);
    const replaced = nextChange();
    mkdirSync(join(dir, 'config.new'));
    writeFileSync(join(dir, 'config.new', 'sympauthy.yml'), 'a: 2\n');
    renameSync(mounted, join(dir, 'config.old'));
    renameSync(join(dir, 'config.new'), mounted);
    await replaced;
    const changed = nextChange();
    writeFileSync(file, 'a: 3\n');
    await changed;
    expect(changes).toBe(2);
  });

  it('compares the files every pollMs even without an event', async () => {
    const file = join(dir, 'sympauthy.yml');
    writeFileSync(file, 'a: 1\n');
    startWatching([file], 100);
    (watcher as unknown as { directories: Map<string, { watcher: { close(): void } }> }).directories.forEach((d) => d.watcher.close()); // deaf to events
    const noticed = nextChange();
    writeFileSync(file, 'a: 2\n');
    await noticed;
    expect(changes).toBe(1);
  });

  it('stops calling once closed', async () => {
    const file = join(dir, 'sympauthy.yml');
    writeFileSync(file, 'a: 1\n');
    startWatching([file], 100);
    watcher!.close();
    writeFileSync(file, 'a: 2\n');
    await quiet();
    expect(changes).toBe(0);
  });
});
