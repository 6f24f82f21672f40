import { randomToken, tokenHash } from '../common/secure-tokens.js';

/**
 * Refresh tokens are opaque to clients: `<family id>.<256 random bits>`, both base64url. The
 * family id locates the family record in one lookup and is known only to the client (it is not
 * the grant id that access tokens carry, so an access token's holder cannot address the family);
 * only the SHA-256 of the whole token is stored, so the store never holds a usable token.
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
