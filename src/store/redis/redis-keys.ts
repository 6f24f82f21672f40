/**
 * The key layout of the Redis store (after the configured prefix). A grant's keys carry the
 * grant id as a hash tag, `{<grantId>}`, so that they sit in one Redis Cluster slot and a
 * command over several of them (`EXISTS` of a token and its grant) stays valid on a cluster.
 * Ids come from the core (hashes, random ids, a
 * DPoP proof's `jti`); the prefix may not contain braces, so the first `{…}` of a key is always
 * the store's own tag.
 */
export const redisKeys = {
  /** An authorization code (by hash): the record, then its spent marker. */
  code: (codeHash: string) => `code:${codeHash}`,
  /** A refresh-token family (a hash). */
  family: (familyId: string) => `family:${familyId}`,
  /** A revoked grant. */
  revokedGrant: (grantId: string) => `revoked-grant:{${grantId}}`,
  /** A revoked access token, in its grant's slot when it has one. */
  revokedAccessToken: (jti: string, grantId: string | undefined) =>
    grantId === undefined ? `revoked-token:${jti}` : `revoked-token:{${grantId}}:${jti}`,
  /** A sign-in attempt counter (a hash). */
  attempts: (key: string) => `attempts:${key}`,
  /** A single sign-on session (a hash), by the hash of its cookie. */
  session: (idHash: string) => `session:${idHash}`,
  /** A remembered id of the replay cache. */
  replay: (id: string) => `replay:${id}`,
  /** A pushed authorization request (by the hash of its request_uri). */
  pushedRequest: (id: string) => `par:${id}`,
} as const;

/** A TTL in whole milliseconds for PX/PEXPIRE; rejects what is not a positive number. */
export function ttlArgument(ttlMs: number): number {
  if (!Number.isFinite(ttlMs) || ttlMs <= 0) throw new RangeError(`a TTL must be a positive number of milliseconds, got ${ttlMs}`);
  return Math.ceil(ttlMs);
}
