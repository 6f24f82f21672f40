import { randomToken } from '../../common/secure-tokens.js';
import type { AttemptCounterState, AttemptCounterStore, AttemptLeak, AttemptReservation } from '../attempt-counter-store.js';
import { ExpiringMap, MemoryStore, MemoryStoreOptions } from './expiring-map.js';

interface Counter {
  level: number;
  updatedAt: number;
  lastFailureAt: number;
  /** reservation id → when it stops counting */
  reservations: Map<string, number>;
}

/**
 * Sign-in attempt counters of one replica. When full, the counter written longest ago is
 * forgotten rather than a new one refused: refusing would turn a flood of distinct usernames into
 * a refusal of every sign-in, while forgetting an old counter only forgives an idle key.
 */
export class MemoryAttemptCounterStore extends MemoryStore implements AttemptCounterStore {
  private readonly counters: ExpiringMap<Counter>;

  constructor(options: MemoryStoreOptions = {}) {
    super(options);
    this.counters = new ExpiringMap('sign-in attempt counters', this.maxEntries, this.now, 'evict-oldest');
  }

  protected maps(): ExpiringMap<unknown>[] {
    return [this.counters];
  }

  async reserve(key: string, capacity: number, leak: AttemptLeak, nowMs: number): Promise<AttemptReservation> {
    const counter = this.current(key, leak, nowMs);
    const state: AttemptCounterState = { level: counter.level, inFlight: counter.reservations.size, lastFailureAt: counter.lastFailureAt };
    if (counter.level + counter.reservations.size + 1 > capacity) return { state };
    const reservationId = randomToken(12);
    counter.reservations.set(reservationId, nowMs + leak.holdMs);
    this.write(key, counter, leak);
    return { reservationId, state };
  }

  async settle(key: string, reservationId: string, outcome: { failed: boolean; reset: boolean }, leak: AttemptLeak, nowMs: number): Promise<void> {
    const counter = this.current(key, leak, nowMs);
    counter.reservations.delete(reservationId);
    if (outcome.reset) counter.level = 0;
    if (outcome.failed) {
      counter.level += 1;
      counter.lastFailureAt = nowMs;
    }
    this.write(key, counter, leak);
  }

  /** The counter decayed to `nowMs`, without its expired reservations (a fresh one if none). */
  private current(key: string, leak: AttemptLeak, nowMs: number): Counter {
    const stored = this.counters.get(key)?.value;
    if (stored === undefined) return { level: 0, updatedAt: nowMs, lastFailureAt: 0, reservations: new Map() };
    const elapsed = Math.max(0, nowMs - stored.updatedAt);
    const reservations = new Map([...stored.reservations].filter(([, expiresAt]) => expiresAt > nowMs));
    return { level: Math.max(0, stored.level - elapsed / leak.leakIntervalMs), updatedAt: nowMs, lastFailureAt: stored.lastFailureAt, reservations };
  }

  /** Keeps the counter until its level has leaked to 0 and its last reservation has expired. */
  private write(key: string, counter: Counter, leak: AttemptLeak): void {
    const drainedAt = counter.updatedAt + counter.level * leak.leakIntervalMs;
    const expiresAt = Math.max(drainedAt, ...counter.reservations.values());
    if (expiresAt <= this.now()) this.counters.delete(key);
    else this.counters.set(key, counter, expiresAt);
  }
}
