import { DynamicModule, Module, Provider } from '@nestjs/common';
import { ExtensionModule, findExtensionExporting } from '../common/extension-modules.js';
import { LoadedConfiguration } from '../config/load-configuration.js';
import { AUTHORIZATION_STORE } from './authorization-store.js';
import { MemoryAuthorizationStore } from './memory-authorization-store.js';

/**
 * Binds {@link AUTHORIZATION_STORE} for the whole application (global, so the OAuth modules
 * inject it without importing this dynamic module). An extension module that exports the token
 * replaces the built-in store; otherwise `store.type` picks it. The memory store stops its sweep
 * timer on application shutdown (its `onModuleDestroy`).
 */
@Module({})
export class StoreModule {
  static forRoot(configuration: LoadedConfiguration, extensions: readonly ExtensionModule[]): DynamicModule {
    const replacement = findExtensionExporting(extensions, AUTHORIZATION_STORE);
    if (replacement !== undefined) return { module: StoreModule, global: true, imports: [replacement], exports: [replacement] };
    return { module: StoreModule, global: true, providers: [builtInStore(configuration)], exports: [AUTHORIZATION_STORE] };
  }
}

function builtInStore(configuration: LoadedConfiguration): Provider {
  const type = configuration.parsed.store.type;
  switch (type) {
    case 'memory':
      return { provide: AUTHORIZATION_STORE, useFactory: () => new MemoryAuthorizationStore() };
    case 'redis':
      throw new Error('store.type redis is not available yet; use store.type memory, or a module that provides AUTHORIZATION_STORE');
  }
}
