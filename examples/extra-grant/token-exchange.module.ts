import { Module } from '@nestjs/common';
import { TokenModule } from '../../src/index.js';
import { TokenExchangeGrant } from './token-exchange.grant.js';

/**
 * Adds the token exchange grant to the token endpoint and to discovery. Import it as an
 * extension (`createApp(configuration, environment, { extensions: [TokenExchangeModule] })`, or
 * `SYMPAUTHY_MODULES`), then allow it per client: `allowed-grant-types: [urn:ietf:params:oauth:grant-type:token-exchange]`.
 */
@Module({
  imports: [TokenModule],
  providers: [TokenExchangeGrant],
})
export class TokenExchangeModule {}
