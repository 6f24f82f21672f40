import { Inject, Injectable } from '@nestjs/common';
import { isIPv6 } from 'node:net';
import { tokenHash } from '../../common/secure-tokens.js';
import { ATTEMPT_COUNTER_STORE } from '../../store/attempt-counter-store.js';
import type { AttemptCounterStore, AttemptLeak } from '../../store/attempt-counter-store.js';

/** Attempts per username that may run (or have failed recently) before they go one at a time. */
export const USER_FREE_ATTEMPTS = 3;
/** Attempts per username that may run at once while it has no recent failure (a shared account, a load test). */
export const USER_MAX_IN_FLIGHT = 32;
/** A username's failures leak away one per 5 minutes. */
export const USER_LEAK: AttemptLeak = { leakIntervalMs: 5 * 60_000, holdMs: 30_000 };
/** Longest spacing between attempts for a username under attack: slowed down, never locked out. */
export const USER_MAX_SPACING_MS = 8_000;
/** Failures (plus attempts in flight) per client address before it is slowed down to the leak rate. */
export const ADDRESS_CAPACITY = 30;
/** An address's failures leak away one per 30 seconds: 30 per 15 minutes. */
export const ADDRESS_LEAK: AttemptLeak = { leakIntervalMs: 30_000, holdMs: 30_000 };
/** Longest time an attempt waits for its turn before it is answered 429. */
export const MAX_WAIT_MS = 10_000;
/** Attempts of one key waiting on this replica, and attempts waiting in all, beyond which 429 comes at once. */
export const MAX_WAITERS_PER_KEY = 64;
export const MAX_WAITERS = 512;
/** How often an attempt waiting for another replica's attempt looks again. */
const POLL_MS = 250;

export type Admission =
  | { admitted: true; settle(outcome: 'success' | 'failure' | 'abandoned'): Promise<void> }
  | { admitted: false; retryAfterSeconds: number };

type Reserved = { reservationId: string } | { retryAfterMs: number };

/**
 * The sign-in throttle (SPEC §3): repeated failures per username and per client address slow
 * attempts down, with the same answer whether the user exists or not, and never a hard lockout
 * an attacker could use against a user.
 *
 * An attempt reserves its place in both counters **before** the password is checked (one atomic
 * store operation each), so attempts in flight count like failures: a burst of parallel guesses
 * sees itself, on one replica or several.
 * - Per username: while the name has no recent failure, up to {@link USER_MAX_IN_FLIGHT} attempts
 *   run at once; once it has failures, {@link USER_FREE_ATTEMPTS} failures and attempts in flight
 *   are free, and beyond that attempts for the name run one at a time, each waiting a spacing after
 *   the last failure (250 ms doubling to {@link USER_MAX_SPACING_MS}). A correct password resets
 *   the name.
 * - Per address (IPv6 by /64): up to {@link ADDRESS_CAPACITY} failures and attempts in flight;
 *   past that the address gets one more attempt each time a failure leaks out (every 30 s), and a
 *   429 whose `Retry-After` is the real time until then. An address with no recent failures is
 *   never held back, but more than 30 *simultaneous* attempts from it wait for a place.
 * An attempt waits for its turn at most {@link MAX_WAIT_MS}; the number of waiting attempts is
 * bounded per key and in all. When the counters cannot be written the store error propagates:
 * the attempt is refused before any password check (fail closed).
 */
@Injectable()
export class SignInThrottle {
  /** Attempts waiting for their turn on this replica, per key, oldest first. */
  private readonly queues = new Map<string, (() => void)[]>();
  private waiting = 0;
  /** The clock (tests replace it). */
  now: () => number = Date.now;

  constructor(@Inject(ATTEMPT_COUNTER_STORE) private readonly counters: AttemptCounterStore) {}

  async admit(username: string, address: string): Promise<Admission> {
    const deadline = this.now() + MAX_WAIT_MS;
    const addressKey = addressCounterKey(address);
    const userKey = userCounterKey(username);
    // Both places are reserved at once (one batch to a shared store); a place won by an attempt
    // refused by the other counter is given back unchanged.
    const [byAddress, byUser] = await Promise.allSettled([this.reserveAddress(addressKey, deadline), this.reserveUser(userKey, deadline)]);
    const addressReservation = byAddress.status === 'fulfilled' && 'reservationId' in byAddress.value ? byAddress.value.reservationId : undefined;
    const userReservation = byUser.status === 'fulfilled' && 'reservationId' in byUser.value ? byUser.value.reservationId : undefined;
    if (addressReservation === undefined || userReservation === undefined) {
      const unchanged = { failed: false, reset: false };
      await Promise.all([
        addressReservation === undefined ? undefined : this.release(addressKey, addressReservation, unchanged, ADDRESS_LEAK),
        userReservation === undefined ? undefined : this.release(userKey, userReservation, unchanged, USER_LEAK),
      ]);
      for (const result of [byAddress, byUser]) if (result.status === 'rejected') throw result.reason;
      const waits = [byAddress, byUser].map((r) => (r.status === 'fulfilled' && 'retryAfterMs' in r.value ? r.value.retryAfterMs : 0));
      return refused(Math.max(...waits));
    }
    return {
      admitted: true,
      settle: async (outcome) => {
        const failed = outcome === 'failure';
        await Promise.all([
          this.release(addressKey, addressReservation, { failed, reset: false }, ADDRESS_LEAK),
          this.release(userKey, userReservation, { failed, reset: outcome === 'success' }, USER_LEAK),
        ]);
      },
    };
  }

  private async reserveAddress(key: string, deadline: number): Promise<Reserved> {
    for (;;) {
      const { reservationId, state } = await this.counters.reserve(key, ADDRESS_CAPACITY, ADDRESS_LEAK, this.now());
      if (reservationId !== undefined) return { reservationId };
      if (state.level > ADDRESS_CAPACITY - 1) return { retryAfterMs: (state.level - ADDRESS_CAPACITY + 1) * ADDRESS_LEAK.leakIntervalMs };
      // Full of attempts in flight, not of failures: wait for one of them to end.
      if (!(await this.waitForTurn(key, deadline))) return { retryAfterMs: 1000 };
    }
  }

  private async reserveUser(key: string, deadline: number): Promise<Reserved> {
    for (;;) {
      const now = this.now();
      const { reservationId, state } = await this.counters.reserve(key, USER_FREE_ATTEMPTS, USER_LEAK, now);
      if (reservationId !== undefined) return { reservationId };
      if (state.level === 0) {
        // No recent failure: only concurrency holds it back. A failure arriving meanwhile raises
        // the level above 1 and sends later attempts down the paths below.
        const concurrent = await this.counters.reserve(key, USER_MAX_IN_FLIGHT, USER_LEAK, this.now());
        if (concurrent.reservationId !== undefined) return { reservationId: concurrent.reservationId };
      }
      if (state.level <= USER_FREE_ATTEMPTS - 1 || state.inFlight > 0) {
        // Other attempts for this name are running: its next turn comes when one ends.
        if (!(await this.waitForTurn(key, deadline))) return { retryAfterMs: Math.max(1000, userSpacing(Math.ceil(state.level))) };
        continue;
      }
      // One at a time, spaced after the last failure. The reservation below only succeeds if no
      // attempt started and no failure was recorded meanwhile (the level may only have leaked):
      // room for one more means level + inFlight + 1 <= seen level + 1.5.
      const turn = state.lastFailureAt + userSpacing(Math.ceil(state.level));
      if (turn > deadline) return { retryAfterMs: turn - now };
      if (turn > now && !(await this.sleep(turn - now))) return { retryAfterMs: turn - now };
      const exclusive = await this.counters.reserve(key, state.level + 1.5, USER_LEAK, this.now());
      if (exclusive.reservationId !== undefined) return { reservationId: exclusive.reservationId };
    }
  }

  private async release(key: string, reservationId: string, outcome: { failed: boolean; reset: boolean }, leak: AttemptLeak): Promise<void> {
    try {
      await this.counters.settle(key, reservationId, outcome, leak, this.now());
    } finally {
      this.queues.get(key)?.[0]?.(); // an attempt ended: the oldest waiting one looks again
    }
  }

  /**
   * Waits until an attempt of `key` ends on this replica, or a short poll interval (an attempt at
   * another replica cannot wake us). `false` when the deadline passed or too many attempts wait.
   */
  private waitForTurn(key: string, deadline: number): Promise<boolean> {
    const left = deadline - this.now();
    if (left <= 0) return Promise.resolve(false);
    const queue = this.queues.get(key) ?? [];
    if (queue.length >= MAX_WAITERS_PER_KEY || this.waiting >= MAX_WAITERS) return Promise.resolve(false);
    this.queues.set(key, queue);
    this.waiting++;
    return new Promise<boolean>((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        const at = queue.indexOf(wake);
        if (at !== -1) queue.splice(at, 1);
        if (queue.length === 0 && this.queues.get(key) === queue) this.queues.delete(key);
        this.waiting--;
        resolve(true);
      };
      const timer = setTimeout(wake, Math.min(POLL_MS, left));
      queue.push(wake);
    });
  }

  /** Waits `ms` (a spacing between attempts); `false` when too many attempts wait already. */
  private sleep(ms: number): Promise<boolean> {
    if (this.waiting >= MAX_WAITERS) return Promise.resolve(false);
    this.waiting++;
    return new Promise<boolean>((resolve) => setTimeout(() => {
      this.waiting--;
      resolve(true);
    }, ms));
  }
}

function refused(retryAfterMs: number): Admission {
  return { admitted: false, retryAfterSeconds: Math.max(1, Math.ceil(retryAfterMs / 1000)) };
}

/** Spacing between attempts of a username with `level` recent failures. */
export function userSpacing(level: number): number {
  if (level < USER_FREE_ATTEMPTS) return 0;
  return Math.min(250 * 2 ** Math.min(Math.floor(level) - USER_FREE_ATTEMPTS, 16), USER_MAX_SPACING_MS);
}

/**
 * Counter keys are digests: a username is whatever the client sent (up to the 64 KiB body limit)
 * and each counter keeps its key for as long as it counts.
 */
export function userCounterKey(username: string): string {
  return `user:${tokenHash(username.normalize('NFKC').toLowerCase())}`;
}

/** An address's counter key; an IPv6 address counts by its /64 (one host usually holds a whole /64). */
export function addressCounterKey(address: string): string {
  return `addr:${tokenHash(addressBlock(address))}`;
}

export function addressBlock(address: string): string {
  const mapped = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(address);
  if (mapped) return mapped[1];
  if (!isIPv6(address)) return address;
  return `${expandIPv6(address).slice(0, 4).join(':')}::/64`;
}

function expandIPv6(address: string): string[] {
  const [head, tail] = address.split('%')[0].split('::');
  const left = head ? head.split(':') : [];
  const right = tail !== undefined && tail !== '' ? tail.split(':') : [];
  const missing = tail === undefined ? 0 : 8 - left.length - right.length;
  return [...left, ...Array(missing).fill('0'), ...right].map((h) => h.toLowerCase().replace(/^0+(?=.)/, ''));
}
