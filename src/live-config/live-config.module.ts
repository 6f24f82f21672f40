import { DynamicModule, Global, Module } from '@nestjs/common';
import { ConfigModule } from '@nestjs/config';
import { Environment } from '../config/environment.js';
import { ConfigurationSnapshot, ServerSettings } from './configuration-snapshot.js';
import { LiveConfiguration } from './live-configuration.js';

/**
 * The configuration of the application: the validated {@link Environment} (also through
 * `@nestjs/config`'s `ConfigService` as `environment`), the fixed {@link ServerSettings} and the
 * {@link LiveConfiguration} every feature's slice provider reads. Feature modules inject their
 * own slice (`Clients`, `Scopes`, `TokenPolicy`, …), not this module's providers, except the
 * slice providers themselves.
 */
@Global()
@Module({})
export class LiveConfigModule {
  static forRoot(snapshot: ConfigurationSnapshot, environment: Environment): DynamicModule {
    return {
      module: LiveConfigModule,
      imports: [ConfigModule.forRoot({ ignoreEnvFile: true, isGlobal: true, load: [() => ({ environment })] })],
      providers: [
        { provide: LiveConfiguration, useValue: new LiveConfiguration(snapshot) },
        { provide: ServerSettings, useValue: snapshot.server },
        { provide: Environment, useValue: environment },
      ],
      exports: [LiveConfiguration, ServerSettings, Environment],
    };
  }
}
