import type { LoggerService } from '@nestjs/common';
import { RedisConnection } from '../../src/store/redis/redis-connection.js';
import { createRedisStores } from '../../src/store/redis/redis-store.providers.js';
import type { RedisStoreOptions } from '../../src/store/redis/redis-store-options.js';
import type { StoresUnderTest } from '../store-contract.js';

/** Connection changes are the subject of the fault tests, which read them here, not in the output. */
export const silentLogger = { log: () => undefined, warn: () => undefined };

/** Store options for tests: short timeouts, so a fault shows within a test's time. */
export function testRedisOptions(where: Pick<RedisStoreOptions, 'url' | 'cluster' | 'keyPrefix'>, overrides: Partial<RedisStoreOptions> = {}): RedisStoreOptions {
  return { connectTimeoutMs: 2_000, commandTimeoutMs: 2_000, maxReconnectDelayMs: 200, ...where, ...overrides };
}

/** Every Redis store port over `connection` (connected or not), as the contract suite takes them. */
export function redisStoresOver(connection: RedisConnection): StoresUnderTest & { connection: RedisConnection } {
  return {
    ...createRedisStores(connection),
    now: () => Date.now(),
    advance: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
    close: () => connection.close(),
  };
}

/** Every Redis store port over one new, connected connection. */
export async function connectedRedisStores(options: RedisStoreOptions, logger: Pick<LoggerService, 'log' | 'warn'> = silentLogger): Promise<StoresUnderTest & { connection: RedisConnection }> {
  const connection = new RedisConnection(options, logger);
  await connection.connect();
  return redisStoresOver(connection);
}
