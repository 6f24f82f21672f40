import { DynamicModule, Module, Type } from '@nestjs/common';
import { ClientsModule } from './clients/clients.module.js';
import { SympauthyConfigModule } from './config/config.module.js';
import { LoadedConfiguration } from './config/load-configuration.js';
import { OidcDiscoveryModule } from './discovery/discovery.module.js';
import { HealthModule } from './health/health.module.js';
import { KeysModule } from './keys/keys.module.js';
import { ScopesModule } from './scopes/scopes.module.js';
import { StoreModule } from './store/store.module.js';
import { TokenModule } from './token/token.module.js';

export interface AppOptions {
  /** Extension modules: extra grants, a replacement user directory or store, … */
  extensions?: (Type<unknown> | DynamicModule)[];
  env?: Record<string, string | undefined>;
}

/** Imports the feature modules only; each owns its providers. */
@Module({})
export class AppModule {
  static forRoot(configuration: LoadedConfiguration, options: AppOptions = {}): DynamicModule {
    return {
      module: AppModule,
      imports: [
        SympauthyConfigModule.forRoot(configuration, options.env),
        HealthModule,
        StoreModule.forRoot(configuration, options.extensions ?? []),
        ScopesModule,
        ClientsModule,
        KeysModule,
        TokenModule,
        OidcDiscoveryModule,
        ...(options.extensions ?? []),
      ],
    };
  }
}
