import { DynamicModule, Module } from '@nestjs/common';
import { BcryptLimiter, USER_DIRECTORY } from '../../src/index.js';
import { JsonUserDirectory } from './json-user-directory.js';

/**
 * Replaces the built-in user directory (the `users:` section of the configuration) with users
 * from a JSON file. Because this module exports {@link USER_DIRECTORY}, passing it in
 * `extensions` is all it takes: the sign-in page, the token grants and userinfo use it.
 *
 *     const { configuration, environment } = await prepareStartup(process.env);
 *     const app = await createApp(configuration, environment, {
 *       extensions: [JsonUserDirectoryModule.forFile('/etc/sympauthy/users.json')],
 *     });
 */
@Module({})
export class JsonUserDirectoryModule {
  static forFile(path: string): DynamicModule {
    return {
      module: JsonUserDirectoryModule,
      providers: [{ provide: USER_DIRECTORY, useFactory: (limiter: BcryptLimiter) => JsonUserDirectory.fromFile(path, limiter), inject: [BcryptLimiter] }],
      exports: [USER_DIRECTORY],
    };
  }
}
