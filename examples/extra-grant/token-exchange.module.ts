import { Module } from '@nestjs/common';
import { KeysModule } from '../../src/keys/keys.module.js';
import { ScopesModule } from '../../src/scopes/scopes.module.js';
import { TokenModule } from '../../src/token/token.module.js';
import { TokenExchangeGrant } from './token-exchange.grant.js';

/**
 * Adds the token exchange grant to the token endpoint and to discovery. Import it as an
 * extension: `createApp(configuration, { extensions: [TokenExchangeModule] })`.
 */
@Module({
  imports: [TokenModule, KeysModule, ScopesModule],
  providers: [TokenExchangeGrant],
})
export class TokenExchangeModule {}
