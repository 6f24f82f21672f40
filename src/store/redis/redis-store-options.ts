import { readBoundedTextFile } from '../../config/read-bounded-file.js';
import { parseDuration } from '../../config/duration.js';
import { parseHostPort } from '../../config/store-config-rules.js';
import type { StoreConfig } from '../../config/sympauthy-config.js';

/** How to reach Redis: one node (`url`) or a Redis Cluster (`cluster`), never both. */
export interface RedisStoreOptions {
  /** One node: `redis://[user:password@]host:port[/db]`, or `rediss://` for TLS. */
  url?: string;
  /** Seed nodes of a Redis Cluster. */
  cluster?: { host: string; port: number }[];
  /** ACL user and password; they override those of `url`. */
  username?: string;
  password?: string;
  /** Prepended to every key; must not contain `{` or `}`. */
  keyPrefix: string;
  /** TLS settings (PEM text): used with a rediss:// URL, and turns TLS on for a cluster. */
  tls?: { ca?: string; cert?: string; key?: string; serverName?: string };
  /** How long one connection attempt (TCP, TLS, AUTH, ready check) may take. */
  connectTimeoutMs: number;
  /** How long one store operation may wait for its reply before it fails. */
  commandTimeoutMs: number;
  /** Upper bound of the delay between reconnection attempts (default 1 s). */
  maxReconnectDelayMs?: number;
}

export const DEFAULT_KEY_PREFIX = 'sympauthy:';
export const DEFAULT_CONNECT_TIMEOUT_MS = 5_000;
export const DEFAULT_COMMAND_TIMEOUT_MS = 2_000;

/**
 * The options of a validated `store` section with `type: redis` (see `StoreConfig`): durations
 * parsed, TLS files read.
 */
export function redisStoreOptionsFromConfig(store: StoreConfig): RedisStoreOptions {
  const tls = store.tls && {
    ca: store.tls.caFile === undefined ? undefined : readBoundedTextFile(store.tls.caFile),
    cert: store.tls.certFile === undefined ? undefined : readBoundedTextFile(store.tls.certFile),
    key: store.tls.keyFile === undefined ? undefined : readBoundedTextFile(store.tls.keyFile),
    serverName: store.tls.serverName,
  };
  return {
    url: store.url,
    cluster: store.cluster?.map(parseHostPort),
    username: store.username,
    password: store.password,
    keyPrefix: store.keyPrefix ?? DEFAULT_KEY_PREFIX,
    tls,
    connectTimeoutMs: parseDuration(store.connectTimeout) ?? DEFAULT_CONNECT_TIMEOUT_MS,
    commandTimeoutMs: parseDuration(store.commandTimeout) ?? DEFAULT_COMMAND_TIMEOUT_MS,
  };
}
