import { Module } from '@nestjs/common';
import { KeysModule } from '../keys/keys.module.js';
import { IdTokenIssuer } from './id-token-issuer.js';

/** ID tokens (used by the token grants). */
@Module({ imports: [KeysModule], providers: [IdTokenIssuer], exports: [IdTokenIssuer] })
export class OidcModule {}
