import { DynamicModule, Module, Type } from '@nestjs/common';
import { AuthorizeModule } from './authorize/authorize.module.js';
import { ClientsModule } from './clients/clients.module.js';
import { CommonModule } from './common/common.module.js';
import { Environment } from './config/environment.js';
import { CorsModule } from './cors/cors.module.js';
import { OidcDiscoveryModule } from './discovery/discovery.module.js';
import { HealthModule } from './health/health.module.js';
import { KeysModule } from './keys/keys.module.js';
import { ConfigurationSnapshot } from './live-config/configuration-snapshot.js';
import { LiveConfigModule } from './live-config/live-config.module.js';
import { LiveReloadModule } from './live-config/live-reload.module.js';
import { MetricsModule } from './observability/metrics.module.js';
import { UserInfoModule } from './oidc/userinfo/userinfo.module.js';
import { ParModule } from './par/par.module.js';
import { ScopesModule } from './scopes/scopes.module.js';
import { SessionModule } from './session/session.module.js';
import { StoreModule } from './store/store.module.js';
import { TokenModule } from './token/token.module.js';
import { UsersModule } from './users/users.module.js';

export interface AppOptions {
  /** Extension modules: extra grants, a replacement user directory or store ports, … */
  extensions?: (Type<unknown> | DynamicModule)[];
}

/** Imports the feature modules only; each owns its providers and reads its own slice of the configuration. */
@Module({})
export class AppModule {
  static forRoot(configuration: ConfigurationSnapshot, environment: Environment, options: AppOptions = {}): DynamicModule {
    const extensions = options.extensions ?? [];
    return {
      module: AppModule,
      imports: [
        LiveConfigModule.forRoot(configuration, environment),
        CommonModule,
        HealthModule,
        MetricsModule,
        StoreModule.forRoot(configuration.store, extensions),
        UsersModule.forRoot(extensions),
        ScopesModule,
        ClientsModule,
        KeysModule,
        TokenModule,
        SessionModule,
        AuthorizeModule,
        ParModule,
        UserInfoModule,
        OidcDiscoveryModule,
        CorsModule,
        LiveReloadModule,
        ...extensions,
      ],
    };
  }
}
