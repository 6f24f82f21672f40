import { DynamicModule, Global, Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { LoadedConfiguration } from './load-configuration.js';
import { validateListenerEnv } from './listener-config.js';

/**
 * Makes the validated configuration available to every module. The listener settings (`PORT`,
 * `HOST`, drain delay) come from the environment through `@nestjs/config`, validated too.
 */
@Global()
@Module({})
export class SympauthyConfigModule {
  static forRoot(configuration: LoadedConfiguration, env: Record<string, string | undefined> = process.env): DynamicModule {
    return {
      module: SympauthyConfigModule,
      imports: [ConfigModule.forRoot({ ignoreEnvFile: true, isGlobal: true, load: [() => validateListenerEnv(env)] })],
      providers: [{ provide: LoadedConfiguration, useValue: configuration }],
      exports: [LoadedConfiguration],
    };
  }
}
