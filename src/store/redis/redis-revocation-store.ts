import type { RevocationStore } from '../revocation-store.js';
import type { RedisConnection } from './redis-connection.js';
import { redisKeys, ttlArgument } from './redis-keys.js';

/**
 * Revocations are marks with a TTL: `revoked-grant:{<grantId>}` and
 * `revoked-token:{<grantId>}:<jti>` (or `revoked-token:<jti>` without a grant). Marking is one
 * script that extends a mark, never shortens it; checking a token is one `EXISTS` over its mark
 * and its grant's, both in the grant's cluster slot.
 */
export class RedisRevocationStore implements RevocationStore {
  constructor(private readonly redis: RedisConnection) {}

  async revokeGrant(grantId: string, ttlMs: number): Promise<void> {
    await this.mark('revoking a grant', redisKeys.revokedGrant(grantId), ttlMs);
  }

  async isGrantRevoked(grantId: string): Promise<boolean> {
    const found = await this.redis.run('checking a grant revocation', () => this.redis.client.exists(redisKeys.revokedGrant(grantId)));
    return found > 0;
  }

  async revokeAccessToken(jti: string, grantId: string | undefined, ttlMs: number): Promise<void> {
    await this.mark('revoking an access token', redisKeys.revokedAccessToken(jti, grantId), ttlMs);
  }

  async isAccessTokenRevoked(jti: string, grantId: string | undefined): Promise<boolean> {
    const keys = [redisKeys.revokedAccessToken(jti, grantId)];
    if (grantId !== undefined) keys.push(redisKeys.revokedGrant(grantId));
    const found = await this.redis.run('checking an access-token revocation', () => this.redis.client.exists(...keys));
    return found > 0;
  }

  private async mark(operation: string, key: string, ttlMs: number): Promise<void> {
    const ttl = ttlArgument(ttlMs);
    await this.redis.run(operation, () => this.redis.client.markAtLeast(key, ttl));
  }
}
