import { Module } from '@nestjs/common';
import { LoadedConfiguration } from '../config/load-configuration.js';
import { ScopeRegistry } from './scope-registry.js';

/** The configured scopes and audiences. */
@Module({
  providers: [{ provide: ScopeRegistry, useFactory: (c: LoadedConfiguration) => c.scopes, inject: [LoadedConfiguration] }],
  exports: [ScopeRegistry],
})
export class ScopesModule {}
