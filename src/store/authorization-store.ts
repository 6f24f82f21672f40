/**
 * The store port (SPEC §4 `store`): everything the OAuth flows must remember between requests,
 * shared by every replica when the store is Redis. Only hashes of codes and refresh tokens are
 * stored, never the raw values. Each operation is designed to map to one Redis round trip or one
 * Lua script, so that "consume once" and rotation are atomic across replicas.
 *
 * Bound through the {@link AUTHORIZATION_STORE} DI token: a team replaces it by adding a Nest
 * module that exports that token (see README, Extending). Every implementation must pass the
 * contract suite in `test/store-contract.ts`.
 *
 * Common rules: every `ttlMs` is a positive number of milliseconds on the store's clock; an entry
 * is gone once its TTL has passed. Records are copied in and out: mutating an object after
 * saving it, or one returned by a read, never changes what is stored. A write the backend cannot
 * take (full, unreachable) rejects; it never drops another live entry to make room.
 */
export const AUTHORIZATION_STORE = Symbol.for('sympauthy.AuthorizationStore');

/**
 * The store cannot take the operation right now (full, unreachable). Endpoints answer 503
 * (`temporarily_unavailable`, or an HTML page), never a 500 or a silent success.
 */
export class StoreUnavailableError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'StoreUnavailableError';
  }
}

/** An authorization request waiting for the end-user to sign in. */
export interface PendingAuthorization {
  clientId: string;
  redirectUri: string;
  state: string;
  codeChallenge: string;
  scopes: string[];
  nonce?: string;
  /** SHA-256 (base64url) of the CSRF token bound to this request and to the browser cookie. */
  csrfHash: string;
  createdAt: number;
}

/** What an authorization code stands for, stored under the code's hash. */
export interface AuthorizationCodeRecord {
  clientId: string;
  redirectUri: string;
  codeChallenge: string;
  scopes: string[];
  nonce?: string;
  userId: string;
  /** Seconds since the epoch when the user signed in. */
  authTime: number;
  /**
   * Chosen when the code is issued, so that a replayed code can revoke what its first
   * redemption produced without any write at redemption time.
   */
  grantId: string;
  familyId: string;
}

export type CodeConsumption =
  /** First redemption: the code is now spent. */
  | { outcome: 'consumed'; record: AuthorizationCodeRecord }
  /** The code was already redeemed (replay, OAuth 2.1 §4.1.3): revoke what it produced. */
  | { outcome: 'replayed'; record: AuthorizationCodeRecord }
  /** Unknown or expired. */
  | { outcome: 'missing' };

/** A refresh-token family: every refresh token rotated from one authorization code. */
export interface RefreshFamily {
  familyId: string;
  /** The id carried by the family's access tokens (`gid` claim); revoked with the family. */
  grantId: string;
  clientId: string;
  userId: string;
  scopes: string[];
  authTime: number;
  /** Hash of the refresh token that is currently valid. */
  currentHash: string;
  /** Hash of the token it replaced, accepted within the reuse grace only. */
  previousHash?: string;
  /** When the current token was issued (ms since the epoch). */
  rotatedAt: number;
  revoked: boolean;
}

export type RotationOutcome =
  /** `presentedHash` was current (or previous within the grace): `nextHash` is now current. */
  | { outcome: 'rotated'; family: RefreshFamily }
  /** A rotated token was presented outside the grace: the family is now revoked. */
  | { outcome: 'reused'; family: RefreshFamily }
  /** Unknown, expired or already revoked family. */
  | { outcome: 'invalid' };

export interface AuthorizationStore {
  /** Pending authorization requests (sign-in in progress), short-lived. */
  savePending(id: string, pending: PendingAuthorization, ttlMs: number): Promise<void>;
  findPending(id: string): Promise<PendingAuthorization | undefined>;
  /**
   * Atomically removes a pending request and says whether this caller removed it (Redis: DEL's
   * count): exactly one of concurrent sign-in posts for one request wins and gets a code.
   */
  takePending(id: string): Promise<boolean>;

  /** Stores an authorization code by its hash, for `ttlMs`. */
  saveCode(codeHash: string, record: AuthorizationCodeRecord, ttlMs: number): Promise<void>;
  /**
   * Atomically marks the code spent; exactly one concurrent caller gets `consumed`, the others
   * `replayed` with the same record until the code's TTL ends, then `missing`.
   */
  consumeCode(codeHash: string): Promise<CodeConsumption>;

  /** Creates a family whose current token is `family.currentHash`; it expires after `ttlMs`. */
  createFamily(family: RefreshFamily, ttlMs: number): Promise<void>;
  /**
   * Atomic rotation with reuse detection, for a live, non-revoked family:
   * - `presentedHash` is current → `rotated`: previous = current, `rotatedAt` = `nowMs`,
   *   current = `nextHash`;
   * - `presentedHash` is the previous one and `nowMs - rotatedAt <= graceMs` with `graceMs > 0`
   *   → `rotated`: current = `nextHash` (previous and `rotatedAt` unchanged, so the grace never
   *   stretches; the token issued by the earlier rotation is dead: one live token at a time);
   * - any other hash → `reused`: the family is revoked, and its grant too for `grantTtlMs`
   *   (its access tokens introspect as inactive).
   * A missing, expired or revoked family → `invalid`. On `rotated` the family's expiry is renewed
   * to `ttlMs` from now. With `graceMs` 0, exactly one of concurrent callers presenting the same
   * current token gets `rotated`.
   */
  rotateRefreshToken(familyId: string, presentedHash: string, nextHash: string, nowMs: number, graceMs: number, ttlMs: number, grantTtlMs: number): Promise<RotationOutcome>;
  findFamily(familyId: string): Promise<RefreshFamily | undefined>;
  /**
   * Revokes a family and its grant for `grantTtlMs` (its access tokens introspect as inactive);
   * idempotent. The family keeps its expiry. Unknown or expired family: nothing to do.
   */
  revokeFamily(familyId: string, grantTtlMs: number): Promise<void>;

  /**
   * Marks a grant revoked for `ttlMs` (at least the access-token lifespan). A revocation is
   * extended, never shortened, by a later call with a shorter TTL.
   */
  revokeGrant(grantId: string, ttlMs: number): Promise<void>;
  /** Marks one access token revoked until it would have expired; extended, never shortened. */
  revokeAccessToken(jti: string, ttlMs: number): Promise<void>;
  /** Is this access token revoked, directly or through its grant? One round trip. */
  isAccessTokenRevoked(jti: string, grantId: string | undefined): Promise<boolean>;

  /**
   * Counts a failed sign-in under `key` and returns the new count. The window restarts at each
   * failure: the count falls back to 0 once `windowMs` has passed without a failure
   * (Redis: INCR + PEXPIRE).
   */
  recordFailure(key: string, windowMs: number): Promise<number>;
  /** The current count under `key`; 0 when none or the window has passed. */
  failureCount(key: string): Promise<number>;
  clearFailures(key: string): Promise<void>;

  /** Liveness of the backend, for `/health/ready`. */
  ping(): Promise<boolean>;
}
