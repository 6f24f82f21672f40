import type { RefreshTokenFamily, RefreshTokenRotation, RefreshTokenStore } from '../refresh-token-store.js';
import type { RedisConnection } from './redis-connection.js';
import { redisKeys, ttlArgument } from './redis-keys.js';

/** The fields of a family that a rotation or a revocation never changes. */
type FamilyFacts = Omit<RefreshTokenFamily, 'currentHash' | 'previousHash' | 'rotatedAt' | 'revoked'>;

/**
 * A family is a hash under `family:<familyId>`: `family` (JSON of the fields that never
 * change), `current`, `previous`, `rotatedAt` and `revoked`, so that a rotation rewrites three
 * fields and never re-encodes the record. Each operation is one command or one script.
 */
export class RedisRefreshTokenStore implements RefreshTokenStore {
  constructor(private readonly redis: RedisConnection) {}

  async create(family: RefreshTokenFamily, ttlMs: number): Promise<void> {
    const ttl = ttlArgument(ttlMs);
    const { currentHash, previousHash, rotatedAt, revoked, ...facts } = family;
    const previous = previousHash === undefined ? [] : [previousHash];
    await this.redis.run('creating a refresh-token family', () => this.redis.client.createFamily(
      redisKeys.family(family.familyId), ttl, JSON.stringify(facts), currentHash, rotatedAt, revoked ? 1 : 0, ...previous));
  }

  async find(familyId: string): Promise<RefreshTokenFamily | undefined> {
    const fields = await this.redis.run('reading a refresh-token family', () => this.redis.client.hgetall(redisKeys.family(familyId)));
    if (fields.family === undefined) return undefined;
    return {
      ...(JSON.parse(fields.family) as FamilyFacts),
      currentHash: fields.current,
      ...(fields.previous === undefined ? {} : { previousHash: fields.previous }),
      rotatedAt: Number(fields.rotatedAt),
      revoked: fields.revoked === '1',
    };
  }

  async compareAndRotate(familyId: string, expectedCurrentHash: string, rotation: RefreshTokenRotation, ttlMs: number): Promise<boolean> {
    const ttl = ttlArgument(ttlMs);
    const rotated = await this.redis.run('rotating a refresh token', () => this.redis.client.compareAndRotate(
      redisKeys.family(familyId), expectedCurrentHash, rotation.currentHash, rotation.previousHash, rotation.rotatedAt, ttl));
    return rotated === 1;
  }

  async revoke(familyId: string): Promise<void> {
    await this.redis.run('revoking a refresh-token family', () => this.redis.client.revokeFamily(redisKeys.family(familyId)));
  }
}
