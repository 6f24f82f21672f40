/**
 * Counters of sign-in attempts (per username, per client address), the atomic primitive under
 * the sign-in throttle. Each counter is a leaky bucket of recent failures plus the attempts in
 * flight: an attempt must reserve a place *before* the password is checked, so that concurrent
 * attempts see each other. The limits and what to do when refused are the core's
 * (`SignInThrottle`); the store only admits, counts and forgets atomically.
 *
 * Bound through {@link ATTEMPT_COUNTER_STORE}.
 */
export const ATTEMPT_COUNTER_STORE = Symbol.for('sympauthy.AttemptCounterStore');

export interface AttemptLeak {
  /** One failure leaks out of the bucket every `leakIntervalMs` (the level decays linearly). */
  leakIntervalMs: number;
  /** A reservation not settled within `holdMs` (a replica died mid-check) stops counting. */
  holdMs: number;
}

export interface AttemptCounterState {
  /** Recent failures, decayed to now (a fraction is possible). */
  level: number;
  /** Live reservations (attempts in flight), not counting one granted by this call. */
  inFlight: number;
  /** When the last failure was recorded (ms since the epoch), 0 for none. */
  lastFailureAt: number;
}

export interface AttemptReservation {
  /** Set when the attempt was admitted: settle it with this id. */
  reservationId?: string;
  state: AttemptCounterState;
}

export interface AttemptCounterStore {
  /**
   * Atomically: decay the level to `nowMs`, drop expired reservations, and if there is room for
   * one more attempt — `level + inFlight + 1 <= capacity` (so a failure takes its place until it
   * has leaked out entirely) — add a reservation (expiring at `nowMs + holdMs`) and return its id;
   * otherwise admit nothing. Either way return the state seen.
   */
  reserve(key: string, capacity: number, leak: AttemptLeak, nowMs: number): Promise<AttemptReservation>;
  /**
   * Atomically: remove the reservation (if still there); with `failed`, add one failure to the
   * decayed level and set `lastFailureAt`; with `reset`, set the level to 0. The counter expires
   * once its level would have leaked to 0 and no reservation is live.
   */
  settle(key: string, reservationId: string, outcome: { failed: boolean; reset: boolean }, leak: AttemptLeak, nowMs: number): Promise<void>;
}
