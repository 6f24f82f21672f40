import type { Environment } from '../config/environment.js';
import type { ConfigurationSnapshot } from './configuration-snapshot.js';

/**
 * The one line that says what started: issuer, listener, store (never its credentials), clients,
 * users and the signing keys with where each came from.
 */
export function startupSummary(configuration: ConfigurationSnapshot, environment: Environment, listening: string): string {
  const keys = configuration.keys.all.map((k) => `${k.purpose} ${k.id} (${k.algorithm}, ${k.source})`).join('; ');
  return `listening on ${listening}: issuer ${configuration.issuer}, store ${describeStore(configuration)}, ` +
    `${count(configuration.clients.all.length, 'client')}, ${count(configuration.users.size, 'configured user')}, ` +
    `keys: ${keys}, configuration ${configuration.files.join(', ')} (hash ${configuration.hash}), log level ${environment.logLevel}`;
}

function describeStore(configuration: ConfigurationSnapshot): string {
  const store = configuration.store;
  if (store.type !== 'redis') return store.type;
  const where = store.cluster?.length ? `cluster ${store.cluster.join(',')}` : store.url ? hostOf(store.url) : 'redis';
  return `redis (${where}${store.keyPrefix ? `, prefix ${store.keyPrefix}` : ''})`;
}

/** `rediss://user:secret@host:6380/0` → `rediss://host:6380/0`: never a credential in a log line. */
function hostOf(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.host}${parsed.pathname}`;
  } catch {
    return 'redis';
  }
}

function count(n: number, noun: string): string {
  return `${n} ${noun}${n === 1 ? '' : 's'}`;
}
