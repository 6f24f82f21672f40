import { ConfigErrors } from '../config/config-errors.js';
import type { KeyConfig, StoreConfig } from '../config/sympauthy-config.js';
import type { StoreSettings } from '../live-config/configuration-snapshot.js';

/**
 * The store slice: `store.*` with its cross-key rules (one message per problem, by key path).
 * The rules within `store` (url or cluster, TLS, timeouts…) are checked with the section itself
 * (`StoreConfig`); this adds the one that reaches outside it: replicas sharing the Redis store
 * must sign with the same configured keys.
 */
export function buildStoreSettings(
  config: StoreConfig | undefined,
  keys: { accessToken: readonly KeyConfig[]; idToken: readonly KeyConfig[] },
  errors: ConfigErrors,
): StoreSettings {
  const settings = Object.freeze({ ...(config ?? {}), type: config?.type ?? 'memory' });
  if (settings.type === 'redis' && !settings.allowGeneratedKeys) {
    for (const [purpose, list] of [['access-token', keys.accessToken], ['id-token', keys.idToken]] as const) {
      if (list.length === 0) {
        errors.add(`keys.${purpose}`, 'is required with store.type redis: replicas sharing a store must sign with the same ' +
          'configured keys (generated keys differ per replica). For development only, store.allow-generated-keys: true allows them');
      }
    }
  }
  return settings;
}
