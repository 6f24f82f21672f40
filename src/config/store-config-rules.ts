import { accessSync, constants } from 'node:fs';
import { readBoundedTextFile } from './read-bounded-file.js';
import { ValidateBy } from './class-validator.js';
import { parseDuration } from './duration.js';

/**
 * The rules of the `store` section that look at more than one key (a Redis setting without
 * `type: redis`, `url` and `cluster` together, TLS without a TLS connection…). Each rule returns
 * the problem to report under its own key path, or `undefined`.
 */

/** What the rules read of the `store` section (the fields of `StoreConfig`). */
export interface StoreSection {
  type?: string;
  url?: unknown;
  cluster?: unknown;
  tls?: unknown;
}

/** A property checked by `problem(value, section)`; it runs whether the value is set or not. */
export function StoreRule(name: string, problem: (value: unknown, section: StoreSection) => string | undefined): PropertyDecorator {
  return ValidateBy({
    name,
    validator: {
      validate: (value, args) => problem(value, args?.object as StoreSection) === undefined,
      defaultMessage: (args) => problem(args?.value, args?.object as StoreSection) ?? '',
    },
  });
}

/** Keys that only mean something to the Redis store are an error with any other store type. */
export function onlyWithRedis(value: unknown, section: StoreSection): string | undefined {
  if (value === undefined || section.type === 'redis') return undefined;
  return `is a Redis setting but store.type is ${section.type ?? 'memory (the default)'}; add \`type: redis\` or remove it`;
}

/** `store.url`: one Redis node. Required with `type: redis` unless `store.cluster` is set. */
export function urlProblem(value: unknown, section: StoreSection): string | undefined {
  if (value === undefined) {
    return section.type === 'redis' && section.cluster === undefined
      ? 'is required when store.type is redis (or store.cluster, for a Redis Cluster)' : undefined;
  }
  const notRedis = onlyWithRedis(value, section);
  if (notRedis) return notRedis;
  if (typeof value !== 'string') return 'must be a redis:// or rediss:// URL';
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return 'must be a redis:// or rediss:// URL';
  }
  if (url.protocol !== 'redis:' && url.protocol !== 'rediss:') return 'must be a redis:// or rediss:// URL';
  if (!url.hostname) return 'must name a host, e.g. redis://redis:6379/0';
  if (url.search || url.hash) return 'must not have a query or fragment: write the options as store keys';
  if (!/^(\/\d{0,2})?$/.test(url.pathname)) return 'path must be a database number, e.g. redis://redis:6379/0';
  return undefined;
}

const HOST_PORT = /^(\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9.-]+):(\d{1,5})$/;

/** `store.cluster`: the seed nodes of a Redis Cluster, `host:port` each. */
export function clusterProblem(value: unknown, section: StoreSection): string | undefined {
  if (value === undefined) return undefined;
  const notRedis = onlyWithRedis(value, section);
  if (notRedis) return notRedis;
  if (section.url !== undefined) return 'is set together with store.url: use store.url for one node or store.cluster for a Redis Cluster, not both';
  if (!Array.isArray(value) || value.length === 0) return 'must be a non-empty list of host:port seed nodes';
  const bad = value.find((node) => !isHostPort(node));
  return bad === undefined ? undefined : `must be a list of host:port seed nodes; ${JSON.stringify(bad)} is not`;
}

function isHostPort(node: unknown): boolean {
  if (typeof node !== 'string') return false;
  const match = HOST_PORT.exec(node);
  return match !== null && Number(match[2]) >= 1 && Number(match[2]) <= 65535;
}

/** Parses one `host:port` of `store.cluster` (validated by {@link clusterProblem}). */
export function parseHostPort(node: string): { host: string; port: number } {
  const match = HOST_PORT.exec(node);
  if (!match) throw new RangeError(`not a host:port: ${node}`);
  return { host: match[1].replace(/^\[(.*)\]$/, '$1'), port: Number(match[2]) };
}

/** `store.key-prefix`: hash tags must come from the store's own keys, never from the prefix. */
export function keyPrefixProblem(value: unknown, section: StoreSection): string | undefined {
  if (value === undefined) return undefined;
  const notRedis = onlyWithRedis(value, section);
  if (notRedis) return notRedis;
  if (typeof value !== 'string') return 'must be a string';
  if (/[{}]/.test(value)) return 'must not contain { or }: the store puts the keys of one grant in one cluster slot with its own hash tags';
  if (value.length > 64) return 'must be at most 64 characters';
  return undefined;
}

/** `store.tls`: only for a TLS connection (a rediss:// URL, or a cluster). */
export function tlsProblem(value: unknown, section: StoreSection): string | undefined {
  if (value === undefined) return undefined;
  const notRedis = onlyWithRedis(value, section);
  if (notRedis) return notRedis;
  if (typeof section.url === 'string' && section.url.startsWith('redis://')) {
    return 'is set but store.url is redis:// (plain TCP): use a rediss:// URL to connect with TLS';
  }
  return undefined;
}

/** `store.connect-timeout`, `store.command-timeout`: a positive duration. */
export function timeoutProblem(value: unknown, section: StoreSection): string | undefined {
  if (value === undefined) return undefined;
  const notRedis = onlyWithRedis(value, section);
  if (notRedis) return notRedis;
  const ms = parseDuration(value);
  if (ms === undefined || ms <= 0) return 'must be a positive duration such as 500ms, 2s or 1m';
  if (ms > 60_000) return 'must be at most 1m';
  return undefined;
}

/** `store.tls.*-file`: a readable PEM file (read again when the store connects). */
export function pemFileProblem(value: unknown): string | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || value === '') return 'must be a file path';
  try {
    accessSync(value, constants.R_OK);
    if (!readBoundedTextFile(value).includes('-----BEGIN ')) return `${value} is not a PEM file`;
  } catch (e) {
    return `cannot read ${value} (${(e as NodeJS.ErrnoException).code ?? 'error'})`;
  }
  return undefined;
}
