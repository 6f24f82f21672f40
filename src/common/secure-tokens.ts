import { createHash, randomFillSync, timingSafeEqual } from 'node:crypto';

/**
 * The security primitives every module shares: random opaque values, the hash under which codes
 * and refresh tokens are stored, and one constant-time comparison.
 */

const POOL_SIZE = 8192;
let pool = Buffer.allocUnsafe(0);
let offset = 0;

/**
 * A fresh high-entropy opaque value (default 256 bits), base64url. Bytes come from the CSPRNG
 * in 8 KiB batches: one `randomFillSync` per ~250 tokens instead of one per token. Every byte
 * is handed out once.
 */
export function randomToken(bytes = 32): string {
  if (offset + bytes > pool.length) {
    pool = randomFillSync(Buffer.allocUnsafe(Math.max(POOL_SIZE, bytes)));
    offset = 0;
  }
  const token = pool.toString('base64url', offset, offset + bytes);
  offset += bytes;
  return token;
}

/** SHA-256, base64url: codes and refresh tokens are stored under this, never raw. */
export function tokenHash(value: string): string {
  return createHash('sha256').update(value).digest('base64url');
}

/** Constant-time equality of two strings (false, without comparing, when lengths differ). */
export function constantTimeEquals(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}
