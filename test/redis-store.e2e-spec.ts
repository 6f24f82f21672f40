import { Test } from '@nestjs/testing';
import { Redis } from 'ioredis';
import { ATTEMPT_COUNTER_STORE, type AttemptCounterStore } from '../src/store/attempt-counter-store.js';
import { AUTHORIZATION_CODE_STORE, type AuthorizationCodeStore } from '../src/store/authorization-code-store.js';
import { RedisConnection } from '../src/store/redis/redis-connection.js';
import { REDIS_CONNECTION, REDIS_STORE_TOKENS, redisStoreProviders } from '../src/store/redis/redis-store.providers.js';
import { REPLAY_CACHE, type ReplayCache } from '../src/store/replay-cache.js';
import { STORE_HEALTH, type StoreHealth } from '../src/store/store-health.js';
import { StoreUnavailableError } from '../src/store/store-errors.js';
import type { StoresUnderTest } from './store-contract.js';
import { freePort } from './support/node-process.js';
import { RedisServer, sharedRedis, uniqueKeyPrefix } from './support/redis-servers.js';
import { connectedRedisStores, redisStoresOver, silentLogger, testRedisOptions } from './support/redis-stores.js';

/**
 * What the Redis store promises beyond the contract: a TTL on every key, keys under the prefix
 * only, codes and tokens never in clear, and clean failures — every error a
 * StoreUnavailableError, no request waiting longer than the command timeout, recovery without a
 * restart.
 */

const leak = { leakIntervalMs: 1_000, holdMs: 5_000 };
const record = {
  clientId: 'web-app', redirectUri: 'https://app.test/cb', codeChallenge: 'c', scopes: ['openid'],
  userId: 'alice', authTime: 1, grantId: 'grant-1', familyId: 'family-1', binding: 'b',
};

describe('Redis store keys', () => {
  let redis: Awaited<ReturnType<typeof sharedRedis>>;
  let raw: Redis;
  beforeAll(async () => {
    redis = await sharedRedis();
    raw = new Redis(redis.url, { lazyConnect: true });
    await raw.connect();
  });
  afterAll(async () => {
    raw.disconnect();
    await redis.release();
  });

  async function keysUnder(prefix: string): Promise<string[]> {
    const keys: string[] = [];
    let cursor = '0';
    do {
      const [next, batch] = await raw.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = next;
      keys.push(...batch);
    } while (cursor !== '0');
    return keys.sort();
  }

  it('puts every key under the prefix, with a TTL, and never writes a key without one', async () => {
    const prefix = uniqueKeyPrefix('keys');
    const t = await connectedRedisStores(testRedisOptions({ url: redis.url, keyPrefix: prefix }));
    try {
      await t.codes.save('code-hash', record, 60_000);
      await t.codes.save('spent-hash', record, 60_000);
      await t.codes.redeem('spent-hash', ['b'], 30_000);
      await t.refreshTokens.create({ familyId: 'family-1', grantId: 'grant-1', clientId: 'web-app', userId: 'alice', scopes: [], authTime: 1, currentHash: 'h1', rotatedAt: 1, revoked: false }, 60_000);
      await t.refreshTokens.compareAndRotate('family-1', 'h1', { currentHash: 'h2', previousHash: 'h1', rotatedAt: 2 }, 60_000);
      await t.refreshTokens.revoke('family-1');
      await t.refreshTokens.revoke('no-such-family');
      await t.revocations.revokeGrant('grant-1', 60_000);
      await t.revocations.revokeAccessToken('jti-1', 'grant-1', 60_000);
      await t.revocations.revokeAccessToken('jti-2', undefined, 60_000);
      const reserved = await t.attempts.reserve('user:alice', 5, leak, Date.now());
      await t.attempts.settle('user:alice', reserved.reservationId!, { failed: true, reset: false }, leak, Date.now());
      await t.attempts.reserve('address:203.0.113.7', 5, leak, Date.now());
      await t.replay.rememberOnce('form-1', 60_000);

      const keys = await keysUnder(prefix);
      expect(keys.map((k) => k.slice(prefix.length))).toEqual([
        'attempts:address:203.0.113.7', 'attempts:user:alice', 'code:code-hash', 'code:spent-hash', 'family:family-1',
        'replay:form-1', 'revoked-grant:{grant-1}', 'revoked-token:jti-2', 'revoked-token:{grant-1}:jti-1',
      ]);
      const ttls = await Promise.all(keys.map((k) => raw.pttl(k)));
      expect(ttls.every((ttl) => ttl > 0 && ttl <= 60_000)).toBe(true);
      expect(await raw.pttl(`${prefix}code:spent-hash`)).toBeLessThanOrEqual(30_000);
    } finally {
      await t.close();
    }
  });

  it('deletes an attempt counter once a reset leaves nothing to remember', async () => {
    const prefix = uniqueKeyPrefix('keys');
    const t = await connectedRedisStores(testRedisOptions({ url: redis.url, keyPrefix: prefix }));
    try {
      const reserved = await t.attempts.reserve('user:alice', 5, leak, Date.now());
      await t.attempts.settle('user:alice', reserved.reservationId!, { failed: false, reset: true }, leak, Date.now());
      expect(await keysUnder(prefix)).toEqual([]);
    } finally {
      await t.close();
    }
  });

  it('keeps stores with different prefixes apart on one Redis', async () => {
    const a = await connectedRedisStores(testRedisOptions({ url: redis.url, keyPrefix: uniqueKeyPrefix('a') }));
    const b = await connectedRedisStores(testRedisOptions({ url: redis.url, keyPrefix: uniqueKeyPrefix('b') }));
    try {
      expect(await a.replay.rememberOnce('id-1', 60_000)).toBe(true);
      expect(await b.replay.rememberOnce('id-1', 60_000)).toBe(true);
      await a.codes.save('code-hash', record, 60_000);
      expect(await b.codes.redeem('code-hash', ['b'], 60_000)).toEqual({ outcome: 'missing' });
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('binds every store port through redisStoreProviders and closes the connection with the app', async () => {
    const moduleRef = await Test.createTestingModule({
      providers: redisStoreProviders(testRedisOptions({ url: redis.url, keyPrefix: uniqueKeyPrefix('nest') })),
      exports: [...REDIS_STORE_TOKENS],
    }).setLogger(silentLogger as never).compile();
    const app = await moduleRef.init();
    const connection = app.get<RedisConnection>(REDIS_CONNECTION);
    await waitFor(() => app.get<StoreHealth>(STORE_HEALTH).ping());
    expect(await app.get<ReplayCache>(REPLAY_CACHE).rememberOnce('id', 1_000)).toBe(true);
    await app.get<AuthorizationCodeStore>(AUTHORIZATION_CODE_STORE).save('h', record, 1_000);
    expect(app.get<AttemptCounterStore>(ATTEMPT_COUNTER_STORE)).toBeDefined();
    await app.close();
    expect(connection.client.status).toBe('end');
  });
});

describe('Redis store faults', () => {
  let server: RedisServer;
  beforeAll(async () => { server = await RedisServer.start(); });
  afterAll(async () => server?.stop());
  afterEach(async () => { await server.resume(); });

  /** Every port's operation, each expected to fail as a StoreUnavailableError. */
  function everyOperation(t: StoresUnderTest): Promise<unknown>[] {
    return [
      t.codes.save('h', record, 1_000),
      t.codes.redeem('h', ['b'], 1_000),
      t.refreshTokens.create({ familyId: 'g', grantId: 'g', clientId: 'c', userId: 'u', scopes: [], authTime: 1, currentHash: 'x', rotatedAt: 1, revoked: false }, 1_000),
      t.refreshTokens.find('g'),
      t.refreshTokens.compareAndRotate('g', 'x', { currentHash: 'y', previousHash: 'x', rotatedAt: 2 }, 1_000),
      t.refreshTokens.revoke('g'),
      t.revocations.revokeGrant('g', 1_000),
      t.revocations.isGrantRevoked('g'),
      t.revocations.revokeAccessToken('j', 'g', 1_000),
      t.revocations.isAccessTokenRevoked('j', 'g'),
      t.attempts.reserve('k', 3, leak, Date.now()),
      t.attempts.settle('k', 'r', { failed: true, reset: false }, leak, Date.now()),
      t.replay.rememberOnce('i', 1_000),
    ];
  }

  async function expectAllUnavailable(operations: Promise<unknown>[], reason: RegExp): Promise<void> {
    const settled = await Promise.allSettled(operations);
    for (const result of settled) {
      expect(result.status).toBe('rejected');
      const error = (result as PromiseRejectedResult).reason as Error;
      expect(error).toBeInstanceOf(StoreUnavailableError);
      expect(error.message).toMatch(/^redis store: .+ failed: /);
      expect(error.message.replace(/^redis store: .+ failed: /, '')).toMatch(reason);
    }
  }

  it('fails every operation with StoreUnavailableError at once when nothing listens, and ping says false', async () => {
    const port = await freePort();
    const connection = new RedisConnection(testRedisOptions({ url: `redis://127.0.0.1:${port}`, keyPrefix: uniqueKeyPrefix('down') }), silentLogger);
    await expect(connection.connect()).rejects.toBeInstanceOf(StoreUnavailableError);
    const t = redisStoresOver(connection);
    try {
      const started = Date.now();
      await expectAllUnavailable(everyOperation(t), /^not connected to 127\.0\.0\.1:\d+$/);
      expect(Date.now() - started).toBeLessThan(500);
      expect(await t.health.ping()).toBe(false);
    } finally {
      await connection.close();
    }
  });

  it('fails within the command timeout, not later, while Redis is paused, then serves again', async () => {
    const t = await connectedRedisStores(testRedisOptions({ url: server.url, keyPrefix: uniqueKeyPrefix('paused') }, { commandTimeoutMs: 300 }));
    try {
      await server.command('CLIENT PAUSE 1500 ALL');
      const started = Date.now();
      await expectAllUnavailable(everyOperation(t), /^no reply within the command timeout \(300 ms\)$/);
      expect(await t.health.ping()).toBe(false);
      expect(Date.now() - started).toBeLessThan(1_200);
      await waitFor(() => t.replay.rememberOnce(`after-${Date.now()}`, 1_000).catch(() => false), 5_000);
    } finally {
      await t.close();
    }
  });

  it('fails cleanly while Redis is stopped and recovers by itself once it is back', async () => {
    const warnings: string[] = [];
    const logger = { log: (): undefined => undefined, warn: (message: string): undefined => { warnings.push(message); } };
    const t = await connectedRedisStores(testRedisOptions({ url: server.url, keyPrefix: uniqueKeyPrefix('stopped') }), logger);
    try {
      await server.halt();
      await expectAllUnavailable(everyOperation(t), /^not connected to 127\.0\.0\.1:\d+$/);
      expect(await t.health.ping()).toBe(false);
      await waitFor(async () => warnings.length > 0);
      await new Promise((resolve) => setTimeout(resolve, 500));
      // One line per outage, however many reconnection attempts fail.
      expect(warnings).toEqual([expect.stringMatching(/^redis store: connection to 127\.0\.0\.1:\d+ failing \(.+\); store operations answer 503 until it is back$/)]);

      await server.resume();
      const back = Date.now();
      await waitFor(() => t.health.ping(), 10_000);
      expect(Date.now() - back).toBeLessThan(10_000);
      expect(await t.replay.rememberOnce('after-restart', 1_000)).toBe(true);
    } finally {
      await t.close();
    }
  });
});

async function waitFor(condition: () => Promise<boolean>, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`condition not met within ${timeoutMs} ms`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
