import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { ClientsModule } from '../clients/clients.module.js';
import { KeysModule } from '../keys/keys.module.js';
import { OidcModule } from '../oidc/oidc.module.js';
import { ScopesModule } from '../scopes/scopes.module.js';
import { AccessTokenIssuer } from './access-token-issuer.js';
import { AccessTokenVerifier } from './access-token-verifier.js';
import { GrantHandlerRegistry } from './grant-handler-registry.js';
import { AuthorizationCodeGrant } from './grants/authorization-code.grant.js';
import { ClientCredentialsGrant } from './grants/client-credentials.grant.js';
import { RefreshTokenGrant } from './grants/refresh-token.grant.js';
import { IntrospectionController } from './introspection/introspection.controller.js';
import { RevocationController } from './revocation/revocation.controller.js';
import { TokenRequestGuard } from './token-request.guard.js';
import { TokenController } from './token.controller.js';
import { UserTokenIssuer } from './user-token-issuer.js';

/**
 * The token, introspection and revocation endpoints and the built-in grants. Extra grants come
 * from other modules (see GrantHandler); the store and user directory are bound globally.
 */
@Module({
  imports: [DiscoveryModule, ClientsModule, KeysModule, ScopesModule, OidcModule],
  controllers: [TokenController, IntrospectionController, RevocationController],
  providers: [
    GrantHandlerRegistry, TokenRequestGuard, AccessTokenIssuer, AccessTokenVerifier, UserTokenIssuer,
    ClientCredentialsGrant, AuthorizationCodeGrant, RefreshTokenGrant,
  ],
  exports: [AccessTokenIssuer, AccessTokenVerifier, UserTokenIssuer, GrantHandlerRegistry, ClientsModule, KeysModule, ScopesModule],
})
export class TokenModule {}
