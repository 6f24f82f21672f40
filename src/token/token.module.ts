import { Module } from '@nestjs/common';
import { DiscoveryModule } from '@nestjs/core';
import { ClientsModule } from '../clients/clients.module.js';
import { DpopModule } from '../dpop/dpop.module.js';
import { KeysModule } from '../keys/keys.module.js';
import { ScopesModule } from '../scopes/scopes.module.js';
import { AccessTokenIssuer } from './access-token-issuer.js';
import { AccessTokenVerifier } from './access-token-verifier.js';
import { GrantHandlerRegistry } from './grant-handler-registry.js';
import { AuthorizationCodeGrant } from './grants/authorization-code.grant.js';
import { ClientCredentialsGrant } from './grants/client-credentials.grant.js';
import { RefreshTokenGrant } from './grants/refresh-token.grant.js';
import { IdTokenIssuer } from './id-token-issuer.js';
import { IntrospectionController } from './introspection/introspection.controller.js';
import { RevocationController } from './revocation/revocation.controller.js';
import { TokenPolicy } from './token-policy.js';
import { TokenRequestGuard } from './token-request.guard.js';
import { TokenController } from './token.controller.js';
import { UserTokenIssuer } from './user-token-issuer.js';

/**
 * The token, introspection and revocation endpoints, the built-in grants, the token issuers and
 * verifier, and the token slice of the configuration ({@link TokenPolicy}). Extra grants come
 * from other modules (see GrantHandler); the store ports and the user directory are bound
 * globally.
 */
@Module({
  imports: [DiscoveryModule, ClientsModule, KeysModule, ScopesModule, DpopModule],
  controllers: [TokenController, IntrospectionController, RevocationController],
  providers: [
    TokenPolicy, GrantHandlerRegistry, TokenRequestGuard, AccessTokenIssuer, AccessTokenVerifier, IdTokenIssuer, UserTokenIssuer,
    ClientCredentialsGrant, AuthorizationCodeGrant, RefreshTokenGrant,
  ],
  exports: [
    TokenPolicy, AccessTokenIssuer, AccessTokenVerifier, IdTokenIssuer, UserTokenIssuer, GrantHandlerRegistry,
    ClientsModule, KeysModule, ScopesModule, DpopModule,
  ],
})
export class TokenModule {}
