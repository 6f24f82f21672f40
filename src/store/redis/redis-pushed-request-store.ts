import type { PushedRequest, PushedRequestStore } from '../pushed-request-store.js';
import type { RedisConnection } from './redis-connection.js';
import { redisKeys, ttlArgument } from './redis-keys.js';

/**
 * Pushed requests as JSON strings under `par:<id>`: saving is one `SET … PX`, taking one script
 * (read, compare the client, delete): one round trip each.
 */
export class RedisPushedRequestStore implements PushedRequestStore {
  constructor(private readonly redis: RedisConnection) {}

  async save(id: string, request: PushedRequest, ttlMs: number): Promise<void> {
    const ttl = ttlArgument(ttlMs);
    await this.redis.run('saving a pushed authorization request',
      () => this.redis.client.set(redisKeys.pushedRequest(id), JSON.stringify(request), 'PX', ttl));
  }

  async take(id: string, clientId: string): Promise<PushedRequest | undefined> {
    const stored = await this.redis.run('taking a pushed authorization request',
      () => this.redis.client.takePushedRequest(redisKeys.pushedRequest(id), clientId));
    return stored === null ? undefined : JSON.parse(stored) as PushedRequest;
  }
}
