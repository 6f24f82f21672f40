import { Inject, Injectable } from '@nestjs/common';
import { tokenHash } from '../../common/secure-tokens.js';
import { AUTHORIZATION_STORE } from '../../store/authorization-store.js';
import type { AuthorizationStore } from '../../store/authorization-store.js';

export const THROTTLE_WINDOW_MS = 15 * 60_000;
/** Failures per username before each attempt is slowed down. */
export const USER_FREE_FAILURES = 3;
/** Longest delay per attempt for a username under attack: slow, never locked out. */
export const USER_MAX_DELAY_MS = 8_000;
/** Failures per client address before further attempts get `429 Too Many Requests`. */
export const ADDRESS_MAX_FAILURES = 30;
export const ADDRESS_RETRY_AFTER_SECONDS = 60;

export type ThrottleDecision = { allowed: true; delayMs: number } | { allowed: false; retryAfterSeconds: number };

/**
 * Slows repeated sign-in failures (SPEC §3) without a hard lockout an attacker could use
 * against a user: failures per username add a growing delay (doubling from 250 ms after
 * {@link USER_FREE_FAILURES}, capped), applied to every attempt for that name whether it
 * exists or not; failures per address beyond {@link ADDRESS_MAX_FAILURES} in the window are
 * refused with `429` and `Retry-After` (an attacker's own address, not the user's).
 *
 * Each attempt is counted as a failure **before** the password is checked, with the store's
 * atomic increment, and forgiven when it succeeds: attempts sent in parallel see each other's
 * counts, so a burst of concurrent guesses meets the same limits as guesses sent one by one
 * (a read-then-record throttle let every attempt of a burst through on the count before it).
 */
@Injectable()
export class SignInThrottle {
  constructor(@Inject(AUTHORIZATION_STORE) private readonly store: AuthorizationStore) {}

  /**
   * Counts this attempt (as a failure until {@link succeeded}) and decides whether it may go on.
   * A refused attempt is counted against its address only.
   */
  async begin(username: string, address: string): Promise<ThrottleDecision> {
    const addressAttempts = await this.store.recordFailure(addressKey(address), THROTTLE_WINDOW_MS);
    if (addressAttempts > ADDRESS_MAX_FAILURES) return { allowed: false, retryAfterSeconds: ADDRESS_RETRY_AFTER_SECONDS };
    const userAttempts = await this.store.recordFailure(userKey(username), THROTTLE_WINDOW_MS);
    return { allowed: true, delayMs: userDelay(userAttempts - 1) };
  }

  /** The attempt begun for `username` from `address` signed in: clear the user, forgive the address. */
  async succeeded(username: string, address: string): Promise<void> {
    await Promise.all([this.store.clearFailures(userKey(username)), this.store.forgiveFailure(addressKey(address))]);
  }
}

export function userDelay(failures: number): number {
  if (failures < USER_FREE_FAILURES) return 0;
  return Math.min(250 * 2 ** (failures - USER_FREE_FAILURES), USER_MAX_DELAY_MS);
}

/**
 * Counter keys are digests: a username (or a forwarded address) is whatever the client sent, up
 * to the 64 KiB body limit, and each failure keeps its key for the whole window.
 */
function userKey(username: string): string {
  return `user:${tokenHash(username.normalize('NFKC').toLowerCase())}`;
}

function addressKey(address: string): string {
  return `addr:${tokenHash(address)}`;
}
