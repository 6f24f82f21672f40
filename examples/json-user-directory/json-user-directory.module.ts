import { DynamicModule, Module } from '@nestjs/common';
import { USER_DIRECTORY } from '../../src/users/user-directory.js';
import { JsonUserDirectory } from './json-user-directory.js';

/**
 * Replaces the built-in user directory (the `users:` section of the configuration) with users
 * from a JSON file. Because this module exports {@link USER_DIRECTORY}, passing it in
 * `extensions` is all it takes: the sign-in page, the token grants and userinfo use it.
 *
 *     const app = await createApp(loadConfiguration(), {
 *       extensions: [JsonUserDirectoryModule.forFile('/etc/sympauthy/users.json')],
 *     });
 */
@Module({})
export class JsonUserDirectoryModule {
  static forFile(path: string): DynamicModule {
    return {
      module: JsonUserDirectoryModule,
      providers: [{ provide: USER_DIRECTORY, useFactory: () => JsonUserDirectory.fromFile(path) }],
      exports: [USER_DIRECTORY],
    };
  }
}
