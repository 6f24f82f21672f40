import { DynamicModule, Module } from '@nestjs/common';
import { ExtensionModule, findExtensionExporting } from '../common/extension-modules.js';
import { LoadedConfiguration } from '../config/load-configuration.js';
import { ConfigUserDirectory } from './config-user-directory.js';
import { USER_DIRECTORY } from './user-directory.js';

/**
 * Binds {@link USER_DIRECTORY}: to the extension module that exports it when there is one,
 * otherwise to the configuration-backed directory.
 */
@Module({})
export class UsersModule {
  static forRoot(extensions: readonly ExtensionModule[] = []): DynamicModule {
    const replacement = findExtensionExporting(extensions, USER_DIRECTORY);
    if (replacement) return { module: UsersModule, global: true, imports: [replacement], exports: [replacement] };
    return {
      module: UsersModule,
      global: true,
      providers: [{
        provide: USER_DIRECTORY,
        useFactory: (configuration: LoadedConfiguration) => new ConfigUserDirectory(configuration.parsed.users),
        inject: [LoadedConfiguration],
      }],
      exports: [USER_DIRECTORY],
    };
  }
}
