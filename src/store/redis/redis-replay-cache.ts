import type { ReplayCache } from '../replay-cache.js';
import type { RedisConnection } from './redis-connection.js';
import { redisKeys, ttlArgument } from './redis-keys.js';

/** `SET replay:<id> 1 PX ttl NX`: one command, atomic, keeps the first expiry. */
export class RedisReplayCache implements ReplayCache {
  constructor(private readonly redis: RedisConnection) {}

  async rememberOnce(id: string, ttlMs: number): Promise<boolean> {
    const ttl = ttlArgument(ttlMs);
    const set = await this.redis.run('remembering a one-time id', () => this.redis.client.set(redisKeys.replay(id), '1', 'PX', ttl, 'NX'));
    return set === 'OK';
  }
}
