import { randomToken, tokenHash } from '../common/secure-tokens.js';
import type { RefreshFamily } from '../store/authorization-store.js';

/**
 * Refresh tokens are opaque to clients: `<family id>.<256 random bits>`, both base64url. The
 * family id locates the family record in one lookup; only the SHA-256 of the whole token is
 * stored, so the store never holds a usable token.
 */
export interface MintedRefreshToken {
  token: string;
  hash: string;
}

const FORMAT = /^([A-Za-z0-9_-]{16,64})\.([A-Za-z0-9_-]{43})$/;

export function mintRefreshToken(familyId: string): MintedRefreshToken {
  const token = `${familyId}.${randomToken()}`;
  return { token, hash: tokenHash(token) };
}

/** The family id of a well-formed refresh token, else `undefined`. */
export function refreshTokenFamily(token: string): string | undefined {
  return FORMAT.exec(token)?.[1];
}

/**
 * Is `presentedHash` a live token of the family: its current token, or the one it replaced while
 * still within the reuse grace? (The store decides atomically at rotation; this is for reads.)
 */
export function isLiveRefreshToken(family: RefreshFamily, presentedHash: string, nowMs: number, graceMs: number): boolean {
  if (family.revoked) return false;
  if (family.currentHash === presentedHash) return true;
  return family.previousHash === presentedHash && graceMs > 0 && nowMs - family.rotatedAt <= graceMs;
}
