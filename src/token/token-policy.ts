import { Injectable } from '@nestjs/common';
import type { TokenLifespans } from '../config/parse-configuration.js';
import { LiveConfiguration } from '../live-config/live-configuration.js';
import type { RefreshTokenFamily } from '../store/refresh-token-store.js';

/** Grace on top of the access-token lifetime for revocation marks: clocks of replicas and resource servers drift. */
const REVOCATION_MARGIN_MS = 60_000;

/**
 * The token slice and every rule about token lifetimes, written once: how long codes, access,
 * ID and refresh tokens live, the refresh-token reuse grace, and how long the store must remember
 * a revocation or a spent code. The stores only store what they are given.
 */
@Injectable()
export class TokenPolicy {
  private readonly lifespans: () => Readonly<TokenLifespans>;
  /**
   * The longest access-token lifespan in force since this process started: a reload that
   * shortens the lifespan leaves tokens issued before it with their longer one.
   */
  private longestAccessTokenMs: number;

  constructor(live: LiveConfiguration) {
    this.lifespans = live.select((s) => s.tokens);
    this.longestAccessTokenMs = live.current.tokens.accessTokenMs;
    live.onReplace((next) => {
      this.longestAccessTokenMs = Math.max(this.longestAccessTokenMs, next.tokens.accessTokenMs);
    });
  }

  /** Access (and ID) token lifetime, `token.access-token.lifespan`. */
  get accessTokenTtlMs(): number {
    return this.lifespans().accessTokenMs;
  }

  /** The same in whole seconds (at least 1), for `exp` and `expires_in`. */
  get accessTokenTtlSeconds(): number {
    return Math.max(1, Math.floor(this.accessTokenTtlMs / 1000));
  }

  /** Refresh token lifetime, renewed at each rotation. */
  get refreshTokenTtlMs(): number {
    return this.lifespans().refreshTokenMs;
  }

  /** How long a just-rotated refresh token is still accepted (several tabs). */
  get reuseGraceMs(): number {
    return this.lifespans().refreshTokenReuseGraceMs;
  }

  get authorizationCodeTtlMs(): number {
    return this.lifespans().authorizationCodeMs;
  }

  /**
   * How long a revoked grant or access token must be remembered: as long as an access token
   * issued just before the revocation can live, plus a margin — with the longest lifespan this
   * process has had in force, so that a reload shortening it does not revive older tokens.
   */
  get revocationTtlMs(): number {
    return Math.max(this.accessTokenTtlMs, this.longestAccessTokenMs) + REVOCATION_MARGIN_MS;
  }

  /**
   * How long a spent code is remembered: a replay must revoke what the code produced for as long
   * as those access tokens live, not only while the code itself would have lived.
   */
  get spentCodeTtlMs(): number {
    return Math.max(this.revocationTtlMs, this.authorizationCodeTtlMs);
  }

  /**
   * Has the family outlived the refresh-token lifespan in force, counted from its last rotation?
   * The store keeps a family for the lifespan in force when it was last written: a reload that
   * shortens the lifespan ends older families here, not only when the store lets them go.
   */
  isExpiredRefreshFamily(family: RefreshTokenFamily, nowMs: number): boolean {
    return nowMs >= family.rotatedAt + this.refreshTokenTtlMs;
  }

  /**
   * Is `presentedHash` a live token of the family: its current token, or the one it replaced while
   * still within the reuse grace?
   */
  isLiveRefreshToken(family: RefreshTokenFamily, presentedHash: string, nowMs: number): boolean {
    if (family.revoked) return false;
    if (family.currentHash === presentedHash) return true;
    return this.isPreviousWithinGrace(family, presentedHash, nowMs);
  }

  /**
   * What a refresh with a live token writes: presenting the current token makes it the previous
   * one and starts the grace; presenting the previous one (within the grace) replaces the current
   * one and keeps the grace where it was, so the grace never stretches and one token is live.
   */
  rotation(family: RefreshTokenFamily, presentedHash: string, nextHash: string, nowMs: number): { currentHash: string; previousHash: string; rotatedAt: number } {
    if (family.currentHash === presentedHash) return { currentHash: nextHash, previousHash: presentedHash, rotatedAt: nowMs };
    return { currentHash: nextHash, previousHash: family.previousHash ?? presentedHash, rotatedAt: family.rotatedAt };
  }

  private isPreviousWithinGrace(family: RefreshTokenFamily, presentedHash: string, nowMs: number): boolean {
    const grace = this.reuseGraceMs;
    return grace > 0 && family.previousHash === presentedHash && nowMs - family.rotatedAt <= grace;
  }
}
