/**
 * Authorization codes (SPEC §2), stored under the SHA-256 of the code, never the code itself.
 *
 * Bound through {@link AUTHORIZATION_CODE_STORE}. The store knows nothing of clients, redirect
 * URIs or PKCE: at issue the core computes a `binding` (a digest of everything a redemption must
 * present) and at redemption the bindings the request can vouch for. Redeeming is one atomic
 * consume-if-matches, so a request that fails any check never spends the code of its owner.
 */
export const AUTHORIZATION_CODE_STORE = Symbol.for('sympauthy.AuthorizationCodeStore');

/** What an authorization code stands for. */
export interface AuthorizationCodeRecord {
  clientId: string;
  redirectUri: string;
  codeChallenge: string;
  scopes: string[];
  nonce?: string;
  userId: string;
  /** Seconds since the epoch when the user signed in (`auth_time`). */
  authTime: number;
  /**
   * The grant the code starts and its refresh-token family, chosen when the code is issued (the
   * access tokens carry the grant id, `gid`), so that a replayed code can revoke what its first
   * redemption produced without any write at redemption time.
   */
  grantId: string;
  familyId: string;
  /** The digest a redemption must match (see {@link AuthorizationCodeStore.redeem}). */
  binding: string;
  /** RFC 9449 §10: the code may only be redeemed with a DPoP proof by this key (thumbprint). */
  dpopJkt?: string;
  /** The single sign-on session the code was issued in, if any. */
  sessionId?: string;
}

/** What is kept of a redeemed code, for replay detection (OAuth 2.1 §4.1.3). */
export interface SpentCode {
  clientId: string;
  grantId: string;
  familyId: string;
}

export type CodeRedemption =
  /** The binding matched: the code is now spent (a {@link SpentCode} marker replaces it). */
  | { outcome: 'redeemed'; record: AuthorizationCodeRecord }
  /** The code is live but no presented binding matches: nothing changed, the code stays valid. */
  | { outcome: 'mismatch'; record: AuthorizationCodeRecord }
  /** The code was already redeemed (a replay): revoke what it produced. */
  | { outcome: 'spent'; spent: SpentCode }
  /** Unknown, or expired (its spent marker too). */
  | { outcome: 'missing' };

export interface AuthorizationCodeStore {
  /** Stores a code record under `codeHash` for `ttlMs`. */
  save(codeHash: string, record: AuthorizationCodeRecord, ttlMs: number): Promise<void>;
  /**
   * Atomically: if the code is live and its `binding` equals one of `bindings`, replace it with a
   * spent marker kept for `spentTtlMs` and answer `redeemed`; if it is live but matches none,
   * change nothing and answer `mismatch`; if only its spent marker is there, `spent`; else
   * `missing`. Of concurrent redemptions with a matching binding, exactly one is `redeemed`.
   */
  redeem(codeHash: string, bindings: readonly string[], spentTtlMs: number): Promise<CodeRedemption>;
}
