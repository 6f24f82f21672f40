import { DynamicModule, Module } from '@nestjs/common';
import { BcryptLimiter } from '../common/bcrypt-limiter.js';
import { CommonModule } from '../common/common.module.js';
import { ExtensionModule, findExtensionExporting } from '../common/extension-modules.js';
import { LiveConfiguration } from '../live-config/live-configuration.js';
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
      imports: [CommonModule],
      providers: [{
        provide: USER_DIRECTORY,
        useFactory: (live: LiveConfiguration, limiter: BcryptLimiter) => new ConfigUserDirectory(live.select((s) => s.users), limiter),
        inject: [LiveConfiguration, BcryptLimiter],
      }],
      exports: [USER_DIRECTORY],
    };
  }
}
