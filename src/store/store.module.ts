import { DynamicModule, InjectionToken, Module, Provider } from '@nestjs/common';
import { ExtensionModule, findExtensionExporting } from '../common/extension-modules.js';
import type { StoreSettings } from '../live-config/configuration-snapshot.js';
import { ATTEMPT_COUNTER_STORE } from './attempt-counter-store.js';
import { AUTHORIZATION_CODE_STORE } from './authorization-code-store.js';
import type { MemoryStoreOptions } from './memory/expiring-map.js';
import { MemoryAttemptCounterStore } from './memory/memory-attempt-counter-store.js';
import { MemoryAuthorizationCodeStore } from './memory/memory-authorization-code-store.js';
import { MemoryPushedRequestStore } from './memory/memory-pushed-request-store.js';
import { MemoryRefreshTokenStore } from './memory/memory-refresh-token-store.js';
import { MemoryReplayCache } from './memory/memory-replay-cache.js';
import { MemoryRevocationStore } from './memory/memory-revocation-store.js';
import { MemorySessionStore } from './memory/memory-session-store.js';
import { MemoryStoreHealth } from './memory/memory-store-health.js';
import { PUSHED_REQUEST_STORE } from './pushed-request-store.js';
import { REFRESH_TOKEN_STORE } from './refresh-token-store.js';
import { redisStoreProviders } from './redis/redis-store.providers.js';
import { redisStoreOptionsFromConfig } from './redis/redis-store-options.js';
import { REPLAY_CACHE } from './replay-cache.js';
import { REVOCATION_STORE } from './revocation-store.js';
import { SESSION_STORE } from './session-store.js';
import { STORE_HEALTH } from './store-health.js';

/** Every port of the store, each bound by its own token. */
export const STORE_PORTS: readonly InjectionToken[] = [
  AUTHORIZATION_CODE_STORE, REFRESH_TOKEN_STORE, REVOCATION_STORE, ATTEMPT_COUNTER_STORE, REPLAY_CACHE, SESSION_STORE,
  PUSHED_REQUEST_STORE, STORE_HEALTH,
];

/**
 * Binds the store ports for the whole application (global, so the OAuth modules inject them
 * without importing this dynamic module). Port by port, an extension module that exports the
 * port's token replaces the built-in implementation (a team may move only its refresh tokens to
 * its own database); every other port comes from `store.type`. The memory stores stop their sweep
 * timers on application shutdown.
 */
@Module({})
export class StoreModule {
  static forRoot(settings: StoreSettings, extensions: readonly ExtensionModule[]): DynamicModule {
    const replacements = new Map<InjectionToken, ExtensionModule>();
    for (const token of STORE_PORTS) {
      const module = findExtensionExporting(extensions, token);
      if (module !== undefined) replacements.set(token, module);
    }
    // Built-in ports only for what no extension replaces (all replaced: `store.type` is not used).
    const builtIn = replacements.size === STORE_PORTS.length ? [] : builtInProviders(settings).filter((p) => !replacements.has(p.provide));
    const imports = [...new Set(replacements.values())];
    return {
      module: StoreModule,
      global: true,
      imports,
      providers: builtIn,
      exports: [...builtIn.map((p) => p.provide), ...imports],
    };
  }
}

export type PortProvider = Provider & { provide: InjectionToken };

/** The memory implementation of every port (the embedded store of one replica). */
export function memoryStoreProviders(options: MemoryStoreOptions = {}): PortProvider[] {
  return [
    { provide: AUTHORIZATION_CODE_STORE, useFactory: () => new MemoryAuthorizationCodeStore(options) },
    { provide: REFRESH_TOKEN_STORE, useFactory: () => new MemoryRefreshTokenStore(options) },
    { provide: REVOCATION_STORE, useFactory: () => new MemoryRevocationStore(options) },
    { provide: ATTEMPT_COUNTER_STORE, useFactory: () => new MemoryAttemptCounterStore(options) },
    { provide: REPLAY_CACHE, useFactory: () => new MemoryReplayCache(options) },
    { provide: SESSION_STORE, useFactory: () => new MemorySessionStore(options) },
    { provide: PUSHED_REQUEST_STORE, useFactory: () => new MemoryPushedRequestStore(options) },
    { provide: STORE_HEALTH, useFactory: () => new MemoryStoreHealth() },
  ];
}

function builtInProviders(settings: StoreSettings): PortProvider[] {
  switch (settings.type) {
    case 'memory':
      return memoryStoreProviders();
    case 'redis':
      return redisStoreProviders(redisStoreOptionsFromConfig(settings));
  }
}
