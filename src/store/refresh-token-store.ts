/**
 * Refresh-token families (SPEC §2): every refresh token rotated from one authorization code.
 * Only the SHA-256 of a token is stored. Which presented token is live (current, or previous
 * within the reuse grace) is decided by the core (`TokenPolicy`); the store offers a
 * compare-and-set so that a rotation is atomic under concurrency and across replicas.
 *
 * Bound through {@link REFRESH_TOKEN_STORE}.
 */
export const REFRESH_TOKEN_STORE = Symbol.for('sympauthy.RefreshTokenStore');

export interface RefreshTokenFamily {
  /**
   * The family id, carried in the family's refresh tokens only (never the grant id that access
   * tokens carry, so that holding an access token does not let anyone address the family).
   */
  familyId: string;
  /** The grant the family belongs to: its access tokens carry it (`gid`); revoked with the family. */
  grantId: string;
  clientId: string;
  userId: string;
  scopes: string[];
  /** Seconds since the epoch when the user signed in. */
  authTime: number;
  /** Hash of the refresh token that is currently valid. */
  currentHash: string;
  /** Hash of the token it replaced (accepted within the reuse grace only). */
  previousHash?: string;
  /** When the current token was issued (ms since the epoch). */
  rotatedAt: number;
  revoked: boolean;
  /** RFC 9449: refreshing needs a DPoP proof by this key (public clients). */
  dpopJkt?: string;
  /** The single sign-on session the family was issued in, if any. */
  sessionId?: string;
}

/** What a rotation writes. */
export interface RefreshTokenRotation {
  currentHash: string;
  previousHash: string;
  rotatedAt: number;
}

export interface RefreshTokenStore {
  /** Creates a family; it expires after `ttlMs`. */
  create(family: RefreshTokenFamily, ttlMs: number): Promise<void>;
  find(familyId: string): Promise<RefreshTokenFamily | undefined>;
  /**
   * Atomically: if the family exists, is not revoked and its current hash is still
   * `expectedCurrentHash`, apply `rotation`, renew its expiry to `ttlMs` from now and answer
   * `true`; otherwise change nothing and answer `false`. Of concurrent calls expecting the same
   * current hash, exactly one gets `true`.
   */
  compareAndRotate(familyId: string, expectedCurrentHash: string, rotation: RefreshTokenRotation, ttlMs: number): Promise<boolean>;
  /** Marks the family revoked (idempotent; it keeps its expiry). Unknown family: nothing to do. */
  revoke(familyId: string): Promise<void>;
}
