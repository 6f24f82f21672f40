import { jest } from '@jest/globals';
import bcrypt from 'bcrypt';
import type { UserConfig } from '../config/sympauthy-config.js';
import { BcryptLimiter } from '../common/bcrypt-limiter.js';
import { ConfigUserDirectory } from './config-user-directory.js';

const limiter = new BcryptLimiter();

function userConfig(password: string, claims?: Record<string, unknown>): UserConfig {
  return { password, claims };
}

describe('ConfigUserDirectory', () => {
  const long72 = 'é'.repeat(36); // 72 bytes in UTF-8
  let directory: ConfigUserDirectory;
  beforeAll(async () => {
    const users = new Map([
      ['alice', userConfig(await bcrypt.hash('alice-password', 4), { name: 'Alice', email: 'alice@example.com' })],
      ['php', userConfig((await bcrypt.hash('php-password', 4)).replace(/^\$2b\$/, '$2y$'))],
      ['long', userConfig(await bcrypt.hash(long72, 4))],
    ]);
    directory = new ConfigUserDirectory(() => users, limiter);
  });
  afterEach(() => jest.restoreAllMocks());

  it('authenticates with the right password and returns the user with its claims', async () => {
    expect(await directory.authenticate('alice', 'alice-password')).toEqual({ id: 'alice', claims: { name: 'Alice', email: 'alice@example.com' } });
  });

  it('refuses a wrong password', async () => {
    expect(await directory.authenticate('alice', 'alice-passwore')).toBeUndefined();
    expect(await directory.authenticate('alice', '')).toBeUndefined();
  });

  it('refuses an unknown user after one bcrypt compare against a dummy hash of the same cost', async () => {
    const compare = jest.spyOn(bcrypt, 'compare');
    expect(await directory.authenticate('mallory', 'alice-password')).toBeUndefined();
    expect(compare).toHaveBeenCalledTimes(1);
    expect(String(compare.mock.calls[0][1])).toMatch(/^\$2b\$04\$/);
  });

  it('does not match usernames loosely', async () => {
    expect(await directory.authenticate('Alice', 'alice-password')).toBeUndefined();
    expect(await directory.authenticate('alice ', 'alice-password')).toBeUndefined();
  });

  it('accepts $2y$ hashes', async () => {
    expect((await directory.authenticate('php', 'php-password'))?.id).toBe('php');
    expect(await directory.authenticate('php', 'php-passwore')).toBeUndefined();
  });

  it('refuses a password over 72 bytes, even when its first 72 bytes match, after the same compare', async () => {
    expect((await directory.authenticate('long', long72))?.id).toBe('long');
    const compare = jest.spyOn(bcrypt, 'compare');
    expect(await directory.authenticate('long', long72 + 'x')).toBeUndefined();
    expect(compare).toHaveBeenCalledTimes(1);
  });

  it('finds users by id, with empty claims when none are configured', async () => {
    expect(await directory.findById('alice')).toEqual({ id: 'alice', claims: { name: 'Alice', email: 'alice@example.com' } });
    expect(await directory.findById('php')).toEqual({ id: 'php', claims: {} });
    expect(await directory.findById('mallory')).toBeUndefined();
  });

  it('hands out users whose claims cannot be changed by a caller', async () => {
    const user = (await directory.findById('alice'))!;
    expect(() => { (user.claims as Record<string, unknown>).name = 'Mallory'; }).toThrow(TypeError);
    expect((await directory.findById('alice'))!.claims.name).toBe('Alice');
  });

  it('works with no users at all (every sign-in refused)', async () => {
    const empty = new ConfigUserDirectory(() => new Map(), limiter);
    expect(await empty.authenticate('alice', 'alice-password')).toBeUndefined();
    expect(await empty.findById('alice')).toBeUndefined();
  });
});
