import { generateKeyPairSync } from 'node:crypto';
import { dpopAlgorithm, keyMismatch } from './dpop-algorithms.js';

const RS256 = dpopAlgorithm('RS256')!;
const b64 = (bytes: Buffer) => bytes.toString('base64url');
const rsaJwk = (bits: number) => generateKeyPairSync('rsa', { modulusLength: bits }).publicKey.export({ format: 'jwk' }) as Record<string, string>;

describe('keyMismatch (RSA)', () => {
  const jwk2048 = rsaJwk(2048);

  it('accepts a 2048-bit key with e = 65537', () => {
    expect(keyMismatch(RS256, jwk2048)).toBeUndefined();
  });

  it('counts the modulus from its first significant bit: zero octets do not make a 512-bit key a 2048-bit one', () => {
    const short = rsaJwk(512);
    const padded = b64(Buffer.concat([Buffer.alloc(192), Buffer.from(short.n, 'base64url')]));
    expect(Buffer.from(padded, 'base64url').length * 8).toBe(2048);
    expect(keyMismatch(RS256, { ...short, n: padded })).toContain('without leading zero octets');
    expect(keyMismatch(RS256, short)).toContain('2048 to 8192 bits');
  });

  it('refuses a public exponent that would make one verification cost a private-key operation', () => {
    const huge = Buffer.alloc(256, 0xff); // a 2048-bit odd exponent
    expect(keyMismatch(RS256, { ...jwk2048, e: b64(huge) })).toContain('at most 33 bits');
    expect(keyMismatch(RS256, { ...jwk2048, e: b64(Buffer.from([0x01, 0xff, 0xff, 0xff, 0xff])) })).toBeUndefined(); // 33 bits
    expect(keyMismatch(RS256, { ...jwk2048, e: b64(Buffer.from([0x03, 0xff, 0xff, 0xff, 0xff])) })).toContain('at most 33 bits'); // 34 bits
  });

  it.each([
    ['e = 1', 'AQ'],
    ['an even e', b64(Buffer.from([0x01, 0x00, 0x00]))],
    ['e with a leading zero octet', b64(Buffer.from([0x00, 0x01, 0x00, 0x01]))],
    ['e that is not base64url', 'AQ+B'],
    ['an empty e', ''],
  ])('refuses %s', (_label, e) => {
    expect(keyMismatch(RS256, { ...jwk2048, e })).toBeDefined();
  });
});
