import { DynamicModule, Module, Type } from '@nestjs/common';
import { ClientsModule } from './clients/clients.module.js';
import { CorsModule } from './cors/cors.module.js';
import { SympauthyConfigModule } from './config/config.module.js';
import { LoadedConfiguration } from './config/load-configuration.js';
import { OidcDiscoveryModule } from './discovery/discovery.module.js';
import { HealthModule } from './health/health.module.js';
import { MetricsModule } from './observability/metrics.module.js';
import { KeysModule } from './keys/keys.module.js';
import { AuthorizeModule } from './authorize/authorize.module.js';
import { UserInfoModule } from './oidc/userinfo/userinfo.module.js';
import { ScopesModule } from './scopes/scopes.module.js';
import { StoreModule } from './store/store.module.js';
import { UsersModule } from './users/users.module.js';
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
        MetricsModule,
        StoreModule.forRoot(configuration, options.extensions ?? []),
        UsersModule.forRoot(options.extensions ?? []),
        ScopesModule,
        ClientsModule,
        KeysModule,
        TokenModule,
        AuthorizeModule,
        UserInfoModule,
        OidcDiscoveryModule,
        CorsModule,
        ...(options.extensions ?? []),
      ],
    };
  }
}
