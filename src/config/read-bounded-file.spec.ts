import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { readBoundedTextFile } from './read-bounded-file.js';

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
    return undefined;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code;
  }
}

describe('readBoundedTextFile', () => {
  let dir: string;
  beforeAll(() => { dir = mkdtempSync(join(tmpdir(), 'bounded-read-')); });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('reads a regular file', () => {
    writeFileSync(join(dir, 'secret'), 'hello\n');
    expect(readBoundedTextFile(join(dir, 'secret'))).toBe('hello\n');
  });

  it('reads a file of exactly the bound, and refuses one byte more without reading it all', () => {
    writeFileSync(join(dir, 'ten'), '0123456789');
    expect(readBoundedTextFile(join(dir, 'ten'), 10)).toBe('0123456789');
    expect(codeOf(() => readBoundedTextFile(join(dir, 'ten'), 9))).toBe('larger than 9 bytes');
    truncateSync(join(dir, 'ten'), 8 * 1024 * 1024 * 1024); // 8 GiB, sparse
    expect(codeOf(() => readBoundedTextFile(join(dir, 'ten')))).toBe('larger than 1048576 bytes');
  });

  it('refuses devices that never end (/dev/zero, /dev/urandom) instead of filling memory', () => {
    expect(codeOf(() => readBoundedTextFile('/dev/zero'))).toBe('not a regular file');
    expect(codeOf(() => readBoundedTextFile('/dev/urandom'))).toBe('not a regular file');
  });

  it('refuses a FIFO without blocking on it (no writer would ever come)', () => {
    const fifo = join(dir, 'fifo');
    execFileSync('mkfifo', [fifo]);
    expect(codeOf(() => readBoundedTextFile(fifo))).toBe('not a regular file');
  });

  it('refuses a directory with EISDIR, and reports a missing file by its errno code', () => {
    mkdirSync(join(dir, 'sub'));
    expect(codeOf(() => readBoundedTextFile(join(dir, 'sub')))).toBe('EISDIR');
    expect(codeOf(() => readBoundedTextFile(join(dir, 'missing')))).toBe('ENOENT');
  });

  it('reads /proc files, whose size reads as 0, up to the bound', () => {
    expect(readBoundedTextFile('/proc/self/status')).toMatch(/^Name:/);
    expect(codeOf(() => readBoundedTextFile('/proc/self/status', 16))).toBe('larger than 16 bytes');
  });
});
