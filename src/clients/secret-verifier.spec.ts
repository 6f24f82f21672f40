import { jest } from '@jest/globals';
import { inspect } from 'node:util';
import type { ClientSecret } from './client.js';

// Count the expensive and the constant-time comparisons: wrap the real functions.
const realCrypto = await import('node:crypto');
const realBcrypt = (await import('bcrypt')).default;
const timingSafeEqual = jest.fn(realCrypto.timingSafeEqual);
const compare = jest.fn((data: string, hash: string) => realBcrypt.compare(data, hash));
jest.unstable_mockModule('node:crypto', () => ({ ...realCrypto, default: realCrypto, timingSafeEqual }));
jest.unstable_mockModule('bcrypt', () => ({ default: { ...realBcrypt, compare } }));
const { SecretVerifier } = await import('./secret-verifier.js');
const { createHash } = realCrypto;

const SECRET = 'correct horse battery staple';
let bcryptSecret: ClientSecret;

function plain(secret: string): ClientSecret {
  return { kind: 'plain', sha256: createHash('sha256').update(secret, 'utf8').digest() };
}

async function bcryptOf(secret: string): Promise<ClientSecret> {
  return { kind: 'bcrypt', hash: await realBcrypt.hash(secret, 4) };
}

/** A clock the test moves by hand. */
function clock(start = 1_000_000) {
  let now = start;
  return { now: () => now, advance: (ms: number) => { now += ms; } };
}

beforeAll(async () => { bcryptSecret = await bcryptOf(SECRET); });
beforeEach(() => { compare.mockClear(); timingSafeEqual.mockClear(); });

describe('SecretVerifier', () => {
  describe('plain secrets', () => {
    it('accepts the configured secret and refuses any other', async () => {
      const verifier = new SecretVerifier();
      await expect(verifier.verify('web', SECRET, plain(SECRET))).resolves.toBe(true);
      await expect(verifier.verify('web', `${SECRET} `, plain(SECRET))).resolves.toBe(false);
      await expect(verifier.verify('web', SECRET.toUpperCase(), plain(SECRET))).resolves.toBe(false);
      await expect(verifier.verify('web', '', plain(SECRET))).resolves.toBe(false);
      await expect(verifier.verify('web', 'x'.repeat(10_000), plain(SECRET))).resolves.toBe(false);
    });

    it('compares SHA-256 digests with crypto.timingSafeEqual', async () => {
      const stored = plain(SECRET);
      await new SecretVerifier().verify('web', 'short', stored);
      expect(timingSafeEqual).toHaveBeenCalledTimes(1);
      const [presented, configured] = timingSafeEqual.mock.calls[0] as [Buffer, Buffer];
      expect(configured).toBe((stored as { sha256: Buffer }).sha256);
      expect(presented).toEqual(createHash('sha256').update('short').digest());
    });

    it('compares UTF-8 secrets byte for byte', async () => {
      const verifier = new SecretVerifier();
      await expect(verifier.verify('web', 'pâss wörd:%+', plain('pâss wörd:%+'))).resolves.toBe(true);
      await expect(verifier.verify('web', 'pass word:%+', plain('pâss wörd:%+'))).resolves.toBe(false);
    });

    it('never calls bcrypt', async () => {
      await new SecretVerifier().verify('web', SECRET, plain(SECRET));
      expect(compare).not.toHaveBeenCalled();
    });
  });

  describe('bcrypt hashes', () => {
    it('accepts the secret of the hash and refuses any other', async () => {
      const verifier = new SecretVerifier();
      await expect(verifier.verify('web', SECRET, bcryptSecret)).resolves.toBe(true);
      await expect(verifier.verify('web', 'wrong', bcryptSecret)).resolves.toBe(false);
    });

    it('accepts $2a$ and $2y$ hashes, as the configuration does', async () => {
      const hash = (bcryptSecret as { hash: string }).hash;
      for (const prefix of ['$2a$', '$2y$']) {
        const verifier = new SecretVerifier();
        const secret: ClientSecret = { kind: 'bcrypt', hash: prefix + hash.slice(4) };
        await expect(verifier.verify('web', SECRET, secret)).resolves.toBe(true);
        await expect(verifier.verify('web', 'wrong', secret)).resolves.toBe(false);
      }
    });

    it('remembers a success: the second verification does not call bcrypt', async () => {
      const verifier = new SecretVerifier();
      await expect(verifier.verify('web', SECRET, bcryptSecret)).resolves.toBe(true);
      await expect(verifier.verify('web', SECRET, bcryptSecret)).resolves.toBe(true);
      expect(compare).toHaveBeenCalledTimes(1);
    });

    it('does not remember a failure', async () => {
      const verifier = new SecretVerifier();
      await expect(verifier.verify('web', 'wrong', bcryptSecret)).resolves.toBe(false);
      await expect(verifier.verify('web', 'wrong', bcryptSecret)).resolves.toBe(false);
      expect(compare).toHaveBeenCalledTimes(2);
    });

    it('does not let a remembered success accept another secret or another client', async () => {
      const verifier = new SecretVerifier();
      await verifier.verify('web', SECRET, bcryptSecret);
      await expect(verifier.verify('web', 'wrong', bcryptSecret)).resolves.toBe(false);
      await expect(verifier.verify('other', SECRET, bcryptSecret)).resolves.toBe(true);
      expect(compare).toHaveBeenCalledTimes(3);
    });

    it('forgets a success once the cache time has passed', async () => {
      const time = clock();
      const verifier = new SecretVerifier(undefined, { cacheTtlMs: 10_000 }, time.now);
      await verifier.verify('web', SECRET, bcryptSecret);
      time.advance(9_999);
      await expect(verifier.verify('web', SECRET, bcryptSecret)).resolves.toBe(true);
      expect(compare).toHaveBeenCalledTimes(1);
      time.advance(1);
      await expect(verifier.verify('web', SECRET, bcryptSecret)).resolves.toBe(true);
      expect(compare).toHaveBeenCalledTimes(2);
    });

    it('does not accept a secret after expiry when the hash no longer matches it', async () => {
      const time = clock();
      const verifier = new SecretVerifier(undefined, { cacheTtlMs: 1_000 }, time.now);
      await verifier.verify('web', SECRET, bcryptSecret);
      time.advance(1_000);
      await expect(verifier.verify('web', SECRET, await bcryptOf('rotated'))).resolves.toBe(false);
    });

    it('refuses a remembered secret at once when the configured hash changes (a reload rotated it)', async () => {
      const verifier = new SecretVerifier();
      await expect(verifier.verify('web', SECRET, bcryptSecret)).resolves.toBe(true);
      await expect(verifier.verify('web', SECRET, await bcryptOf('rotated'))).resolves.toBe(false);
    });

    it('bounds the cache, forgetting the oldest success first', async () => {
      const verifier = new SecretVerifier(undefined, { cacheMaxEntries: 2 });
      await verifier.verify('a', SECRET, bcryptSecret);
      await verifier.verify('b', SECRET, bcryptSecret);
      await verifier.verify('c', SECRET, bcryptSecret);
      expect(compare).toHaveBeenCalledTimes(3);
      await verifier.verify('c', SECRET, bcryptSecret);
      await verifier.verify('b', SECRET, bcryptSecret);
      expect(compare).toHaveBeenCalledTimes(3);
      await verifier.verify('a', SECRET, bcryptSecret);
      expect(compare).toHaveBeenCalledTimes(4);
    });

    it('does not forget another success when the same one is remembered twice', async () => {
      const verifier = new SecretVerifier(undefined, { cacheMaxEntries: 2 });
      await verifier.verify('a', SECRET, bcryptSecret);
      await Promise.all([verifier.verify('b', SECRET, bcryptSecret), verifier.verify('b', SECRET, bcryptSecret)]);
      compare.mockClear();
      await verifier.verify('a', SECRET, bcryptSecret);
      await verifier.verify('b', SECRET, bcryptSecret);
      expect(compare).not.toHaveBeenCalled();
    });

    it('refuses a secret over 72 bytes without calling bcrypt (bcrypt would only check its prefix)', async () => {
      const verifier = new SecretVerifier();
      const hash72 = await bcryptOf('a'.repeat(72));
      await expect(verifier.verify('web', 'a'.repeat(72), hash72)).resolves.toBe(true);
      compare.mockClear();
      await expect(verifier.verify('web', 'a'.repeat(73), hash72)).resolves.toBe(false);
      await expect(verifier.verify('web', 'a'.repeat(72) + 'anything', hash72)).resolves.toBe(false);
      expect(compare).not.toHaveBeenCalled();
    });

    it('counts the 72-byte limit in UTF-8 bytes, not characters', async () => {
      const verifier = new SecretVerifier();
      const hash = await bcryptOf('é'.repeat(36)); // 72 bytes
      await expect(verifier.verify('web', 'é'.repeat(36), hash)).resolves.toBe(true);
      compare.mockClear();
      await expect(verifier.verify('web', 'é'.repeat(37), hash)).resolves.toBe(false); // 74 bytes, 37 characters
      expect(compare).not.toHaveBeenCalled();
    });

    it('shares one compare between concurrent verifications of the same secret', async () => {
      const verifier = new SecretVerifier();
      const results = await Promise.all([1, 2, 3].map(() => verifier.verify('web', SECRET, bcryptSecret)));
      expect(results).toEqual([true, true, true]);
      expect(compare).toHaveBeenCalledTimes(1);
    });

    it('shares one failing compare between concurrent verifications, then tries again', async () => {
      const verifier = new SecretVerifier();
      const results = await Promise.all([1, 2].map(() => verifier.verify('web', 'wrong', bcryptSecret)));
      expect(results).toEqual([false, false]);
      expect(compare).toHaveBeenCalledTimes(1);
      await verifier.verify('web', 'wrong', bcryptSecret);
      expect(compare).toHaveBeenCalledTimes(2);
    });

    it('does not share a compare between different secrets', async () => {
      const verifier = new SecretVerifier();
      const results = await Promise.all([verifier.verify('web', SECRET, bcryptSecret), verifier.verify('web', 'wrong', bcryptSecret)]);
      expect(results).toEqual([true, false]);
      expect(compare).toHaveBeenCalledTimes(2);
    });

    it('never keeps the presented secret in memory', async () => {
      const verifier = new SecretVerifier();
      await verifier.verify('web', SECRET, bcryptSecret);
      await verifier.verify('web', 'wrong-presented-secret', bcryptSecret);
      const dump = inspect(verifier, { depth: 10, showHidden: true });
      expect(dump).not.toContain(SECRET);
      expect(dump).not.toContain('wrong-presented-secret');
      expect(dump).not.toContain(createHash('sha256').update(SECRET).digest('base64'));
    });
  });
});
