/**
 * Revoked grants and access tokens. A grant is what one authorization code started: revoking it
 * deactivates every access token carrying its id (`gid`) and its refresh-token family. Bound
 * through {@link REVOCATION_STORE}.
 *
 * A revocation is kept for the TTL it was given (the core passes at least the access-token
 * lifetime, `TokenPolicy.revocationTtlMs`) and is extended, never shortened, by a later call.
 */
export const REVOCATION_STORE = Symbol.for('sympauthy.RevocationStore');

export interface RevocationStore {
  revokeGrant(grantId: string, ttlMs: number): Promise<void>;
  isGrantRevoked(grantId: string): Promise<boolean>;
  /** Revokes one access token (`jti`); `grantId` is the token's `gid`, when it has one. */
  revokeAccessToken(jti: string, grantId: string | undefined, ttlMs: number): Promise<void>;
  /** Is this access token revoked, itself or through its grant? One round trip. */
  isAccessTokenRevoked(jti: string, grantId: string | undefined): Promise<boolean>;
}
