import { DynamicModule, Module } from '@nestjs/common';
import { ClientsModule } from '../clients/clients.module.js';
import { SympauthyConfigModule } from '../config/config.module.js';
import type { LoadedConfiguration } from '../config/load-configuration.js';
import { KeysModule } from '../keys/keys.module.js';
import { ScopesModule } from '../scopes/scopes.module.js';
import { TokenModule } from '../token/token.module.js';

/**
 * The modules whose providers are built from the configuration, as the server imports them,
 * booted by `config:check` in a standalone application context (no HTTP listener) so that a
 * failure while creating a provider is reported too. Modules that only serve HTTP or that
 * connect to outside services stay out: checking a configuration must not need a running store.
 */
@Module({})
export class ConfigCheckModule {
  static forRoot(configuration: LoadedConfiguration): DynamicModule {
    return {
      module: ConfigCheckModule,
      imports: [SympauthyConfigModule.forRoot(configuration), ScopesModule, ClientsModule, KeysModule, TokenModule],
    };
  }
}
