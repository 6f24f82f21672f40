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
 */
@Injectable()
export class SignInThrottle {
  constructor(@Inject(AUTHORIZATION_STORE) private readonly store: AuthorizationStore) {}

  async check(username: string, address: string): Promise<ThrottleDecision> {
    const [userFailures, addressFailures] = await Promise.all([
      this.store.failureCount(userKey(username)),
      this.store.failureCount(addressKey(address)),
    ]);
    if (addressFailures >= ADDRESS_MAX_FAILURES) return { allowed: false, retryAfterSeconds: ADDRESS_RETRY_AFTER_SECONDS };
    return { allowed: true, delayMs: userDelay(userFailures) };
  }

  async recordFailure(username: string, address: string): Promise<void> {
    await Promise.all([
      this.store.recordFailure(userKey(username), THROTTLE_WINDOW_MS),
      this.store.recordFailure(addressKey(address), THROTTLE_WINDOW_MS),
    ]);
  }

  async recordSuccess(username: string): Promise<void> {
    await this.store.clearFailures(userKey(username));
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
