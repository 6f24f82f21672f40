import { randomUUID } from 'node:crypto';
import type {
  AttemptCounterStore, AttemptLeak, AttemptReservation,
} from '../attempt-counter-store.js';
import type { RedisConnection } from './redis-connection.js';
import { redisKeys, ttlArgument } from './redis-keys.js';

/**
 * A counter is a hash under `attempts:<key>` (level, when it was decayed, last failure, one
 * field per reservation); `reserve` and `settle` are one script each. The hash expires when its
 * level would have leaked to 0 and its last reservation has expired.
 */
export class RedisAttemptCounterStore implements AttemptCounterStore {
  constructor(private readonly redis: RedisConnection) {}

  async reserve(key: string, capacity: number, leak: AttemptLeak, nowMs: number): Promise<AttemptReservation> {
    const { leakMs, holdMs } = leakArguments(leak);
    const id = randomUUID();
    const [admitted, level, inFlight, lastFailureAt] = await this.redis.run('reserving a sign-in attempt',
      () => this.redis.client.reserveAttempt(redisKeys.attempts(key), leakMs, nowMs, capacity, holdMs, id));
    const state = { level: Number(level), inFlight, lastFailureAt: Number(lastFailureAt) };
    return admitted === null ? { state } : { reservationId: admitted, state };
  }

  async settle(key: string, reservationId: string, outcome: { failed: boolean; reset: boolean }, leak: AttemptLeak, nowMs: number): Promise<void> {
    const { leakMs } = leakArguments(leak);
    await this.redis.run('settling a sign-in attempt', () => this.redis.client.settleAttempt(
      redisKeys.attempts(key), leakMs, nowMs, reservationId, outcome.failed ? 1 : 0, outcome.reset ? 1 : 0));
  }
}

function leakArguments(leak: AttemptLeak): { leakMs: number; holdMs: number } {
  return { leakMs: ttlArgument(leak.leakIntervalMs), holdMs: ttlArgument(leak.holdMs) };
}
