import type {
  AuthorizationCodeRecord, AuthorizationCodeStore, CodeRedemption, SpentCode,
} from '../authorization-code-store.js';
import type { RedisConnection } from './redis-connection.js';
import { redisKeys, ttlArgument } from './redis-keys.js';

/**
 * Codes under `code:<hash>`: three JSON lines — the binding, the spent marker
 * (`{clientId, grantId, familyId}`, made when the code is saved) and the record — replaced on
 * redemption by an empty line and the spent marker, with the marker's TTL. Saving is one
 * `SET … PX`; redeeming is one script (read, compare the binding, replace): one round trip each.
 */
export class RedisAuthorizationCodeStore implements AuthorizationCodeStore {
  constructor(private readonly redis: RedisConnection) {}

  async save(codeHash: string, record: AuthorizationCodeRecord, ttlMs: number): Promise<void> {
    const ttl = ttlArgument(ttlMs);
    const spent: SpentCode = { clientId: record.clientId, grantId: record.grantId, familyId: record.familyId };
    const value = `${JSON.stringify(record.binding)}\n${JSON.stringify(spent)}\n${JSON.stringify(record)}`;
    await this.redis.run('saving a code', () => this.redis.client.set(redisKeys.code(codeHash), value, 'PX', ttl));
  }

  async redeem(codeHash: string, bindings: readonly string[], spentTtlMs: number): Promise<CodeRedemption> {
    const ttl = ttlArgument(spentTtlMs);
    const [outcome, stored] = await this.redis.run('redeeming a code',
      () => this.redis.client.redeemCode(redisKeys.code(codeHash), ttl, ...bindings.map((b) => JSON.stringify(b))));
    switch (outcome) {
      case 'missing':
        return { outcome };
      case 'spent':
        return { outcome, spent: JSON.parse(stored!) as SpentCode };
      case 'redeemed':
      case 'mismatch':
        return { outcome, record: JSON.parse(stored!) as AuthorizationCodeRecord };
      default:
        throw new Error(`redis store: unexpected redemption outcome ${String(outcome)}`);
    }
  }
}
