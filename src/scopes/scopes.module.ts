import { Module } from '@nestjs/common';
import { Scopes } from './scopes.js';

/** The configured scopes and audiences (the scopes slice of the configuration) and their rules. */
@Module({ providers: [Scopes], exports: [Scopes] })
export class ScopesModule {}
