import type { InjectionToken, Provider } from '@nestjs/common';
import { ATTEMPT_COUNTER_STORE } from '../attempt-counter-store.js';
import { AUTHORIZATION_CODE_STORE } from '../authorization-code-store.js';
import { REFRESH_TOKEN_STORE } from '../refresh-token-store.js';
import { PUSHED_REQUEST_STORE } from '../pushed-request-store.js';
import { REPLAY_CACHE } from '../replay-cache.js';
import { REVOCATION_STORE } from '../revocation-store.js';
import { SESSION_STORE } from '../session-store.js';
import { STORE_HEALTH, type StoreHealth } from '../store-health.js';
import { RedisAttemptCounterStore } from './redis-attempt-counter-store.js';
import { RedisAuthorizationCodeStore } from './redis-authorization-code-store.js';
import type { RedisConnection } from './redis-connection.js';
import { RedisPushedRequestStore } from './redis-pushed-request-store.js';
import { RedisRefreshTokenStore } from './redis-refresh-token-store.js';
import { RedisReplayCache } from './redis-replay-cache.js';
import { RedisRevocationStore } from './redis-revocation-store.js';
import { RedisSessionStore } from './redis-session-store.js';
import type { RedisStoreOptions } from './redis-store-options.js';

/** Every store port over one Redis connection (see {@link redisStoreProviders}). */
export interface RedisStores {
  connection: RedisConnection;
  codes: RedisAuthorizationCodeStore;
  refreshTokens: RedisRefreshTokenStore;
  revocations: RedisRevocationStore;
  attempts: RedisAttemptCounterStore;
  replay: RedisReplayCache;
  sessions: RedisSessionStore;
  pushedRequests: RedisPushedRequestStore;
  health: StoreHealth;
}

/** The Redis implementation of every port, sharing `connection` (not connected yet). */
export function createRedisStores(connection: RedisConnection): RedisStores {
  return {
    connection,
    codes: new RedisAuthorizationCodeStore(connection),
    refreshTokens: new RedisRefreshTokenStore(connection),
    revocations: new RedisRevocationStore(connection),
    attempts: new RedisAttemptCounterStore(connection),
    replay: new RedisReplayCache(connection),
    sessions: new RedisSessionStore(connection),
    pushedRequests: new RedisPushedRequestStore(connection),
    health: { ping: () => connection.ping() },
  };
}

/**
 * The connection of the application. Its module (and ioredis, ~25 MiB of resident memory once
 * loaded) is imported only when the Redis store is configured: a memory-store server never loads it.
 */
export const REDIS_CONNECTION = Symbol('sympauthy.RedisConnection');

/** The connection's port implementations, one set per application. */
const REDIS_STORES = Symbol('sympauthy.RedisStores');

/** Each port token and the implementation bound to it. */
const PORTS: readonly (readonly [symbol, keyof Omit<RedisStores, 'connection'>])[] = [
  [AUTHORIZATION_CODE_STORE, 'codes'],
  [REFRESH_TOKEN_STORE, 'refreshTokens'],
  [REVOCATION_STORE, 'revocations'],
  [ATTEMPT_COUNTER_STORE, 'attempts'],
  [REPLAY_CACHE, 'replay'],
  [SESSION_STORE, 'sessions'],
  [PUSHED_REQUEST_STORE, 'pushedRequests'],
  [STORE_HEALTH, 'health'],
];

/** The tokens {@link redisStoreProviders} binds, for the module's `exports`. */
export const REDIS_STORE_TOKENS: readonly symbol[] = PORTS.map(([token]) => token);

/**
 * The Nest providers of the Redis store: one {@link RedisConnection} (a single node or a
 * cluster), and every store port token ({@link REDIS_STORE_TOKENS}) bound to its Redis
 * implementation over it. The connection opens once the application has bootstrapped and closes
 * on shutdown, after the HTTP server has drained.
 */
export function redisStoreProviders(options: RedisStoreOptions): (Provider & { provide: InjectionToken })[] {
  return [
    {
      provide: REDIS_CONNECTION,
      useFactory: async () => new (await import('./redis-connection.js')).RedisConnection(options),
    },
    { provide: REDIS_STORES, useFactory: createRedisStores, inject: [REDIS_CONNECTION] },
    ...PORTS.map(([token, port]) => ({ provide: token, useFactory: (stores: RedisStores) => stores[port], inject: [REDIS_STORES] })),
  ];
}
