import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { ClientsModule } from '../clients/clients.module.js';
import { KeysModule } from '../keys/keys.module.js';
import { ScopesModule } from '../scopes/scopes.module.js';
import { AccessTokenIssuer } from './access-token-issuer.js';
import { GrantHandlerRegistry } from './grant-handler-registry.js';
import { ClientCredentialsGrant } from './grants/client-credentials.grant.js';
import { TokenRequestGuard } from './token-request.guard.js';
import { TokenController } from './token.controller.js';

/** The token endpoint and the built-in grants. Extra grants come from other modules. */
@Module({
  imports: [DiscoveryModule, ClientsModule, KeysModule, ScopesModule],
  controllers: [TokenController],
  providers: [GrantHandlerRegistry, TokenRequestGuard, AccessTokenIssuer, ClientCredentialsGrant],
  exports: [AccessTokenIssuer, GrantHandlerRegistry],
})
export class TokenModule {}
