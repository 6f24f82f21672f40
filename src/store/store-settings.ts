import { ConfigErrors } from '../config/config-errors.js';
import type { StoreConfig } from '../config/sympauthy-config.js';
import type { StoreSettings } from '../live-config/configuration-snapshot.js';

/** The store slice: `store.*` with its cross-key rules (one message per problem, by key path). */
export function buildStoreSettings(config: StoreConfig | undefined, errors: ConfigErrors): StoreSettings {
  const settings = Object.freeze({ ...(config ?? {}), type: config?.type ?? 'memory' });
  if (settings.type === 'redis' && !settings.url) errors.add('store.url', 'is required when store.type is redis');
  return settings;
}
