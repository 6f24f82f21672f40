import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { jest } from '@jest/globals';
import bcrypt from 'bcrypt';
import { BcryptLimiter } from '../../src/index.js';
import { JsonUserDirectory } from './json-user-directory.js';

const limiter = new BcryptLimiter();

let dir: string;
let counter = 0;
beforeAll(() => { dir = mkdtempSync(join(tmpdir(), 'json-user-directory-')); });
afterAll(() => rmSync(dir, { recursive: true, force: true }));
afterEach(() => jest.restoreAllMocks());

function usersFile(content: unknown): string {
  const path = join(dir, `users-${++counter}.json`);
  writeFileSync(path, typeof content === 'string' ? content : JSON.stringify(content));
  return path;
}

describe('JsonUserDirectory', () => {
  const long72 = 'p'.repeat(72);
  let directory: JsonUserDirectory;
  beforeAll(async () => {
    directory = JsonUserDirectory.fromFile(usersFile({
      users: {
        bob: { password: await bcrypt.hash('bob-password', 4), claims: { name: 'Bob' } },
        php: { password: (await bcrypt.hash('php-password', 4)).replace(/^\$2b\$/, '$2y$') },
        long: { password: await bcrypt.hash(long72, 4) },
      },
    }), limiter);
  });

  it('authenticates a user with the right password, the username being the subject', async () => {
    expect(await directory.authenticate('bob', 'bob-password')).toEqual({ id: 'bob', claims: { name: 'Bob' } });
  });

  it('refuses a wrong password and an unknown user alike', async () => {
    expect(await directory.authenticate('bob', 'wrong')).toBeUndefined();
    expect(await directory.authenticate('nobody', 'bob-password')).toBeUndefined();
  });

  it('does one bcrypt compare for an unknown user, against a hash of the file\'s cost, through the server\'s limiter', async () => {
    const compare = jest.spyOn(limiter, 'compare');
    await directory.authenticate('nobody', 'whatever');
    expect(compare).toHaveBeenCalledTimes(1);
    expect(String(compare.mock.calls[0][1])).toMatch(/^\$2b\$04\$/);
  });

  it('accepts $2y$ hashes', async () => {
    expect((await directory.authenticate('php', 'php-password'))?.id).toBe('php');
  });

  it('refuses a password over 72 bytes even when its first 72 bytes match', async () => {
    expect((await directory.authenticate('long', long72))?.id).toBe('long');
    expect(await directory.authenticate('long', long72 + 'x')).toBeUndefined();
  });

  it('finds users by id, with empty claims when the file gives none', async () => {
    expect(await directory.findById('bob')).toEqual({ id: 'bob', claims: { name: 'Bob' } });
    expect(await directory.findById('php')).toEqual({ id: 'php', claims: {} });
    expect(await directory.findById('nobody')).toBeUndefined();
  });

  it('loads the documented example file (bob / bob-password)', async () => {
    const example = JsonUserDirectory.fromFile(new URL('./users.example.json', import.meta.url).pathname, limiter);
    expect(await example.authenticate('bob', 'bob-password')).toMatchObject({ id: 'bob', claims: { name: 'Bob Example' } });
  });
});

describe('JsonUserDirectory.fromFile refuses a bad file', () => {
  it('lists every bad entry without showing its value', () => {
    const path = usersFile({ users: { a: { password: 'secret-a' }, b: { password: '$2b$04$short', claims: [] }, c: 'x' } });
    let message = '';
    try {
      JsonUserDirectory.fromFile(path, limiter);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toContain(path);
    expect(message).toContain('users.a.password must be a bcrypt hash');
    expect(message).toContain('users.b.password must be a bcrypt hash');
    expect(message).toContain('users.b.claims must be an object');
    expect(message).toContain('users.c.password must be a bcrypt hash');
    expect(message).not.toContain('secret-a');
    expect(message).not.toContain('$2b$04$short');
  });

  it('refuses a file that is not JSON, a missing file and a file without "users"', () => {
    expect(() => JsonUserDirectory.fromFile(usersFile('{ not json'), limiter)).toThrow('invalid JSON');
    expect(() => JsonUserDirectory.fromFile(join(dir, 'missing.json'), limiter)).toThrow('ENOENT');
    expect(() => JsonUserDirectory.fromFile(usersFile({ people: {} }), limiter)).toThrow('expected {"users"');
  });
});
