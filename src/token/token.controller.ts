import { Controller, HttpCode, Post, Req, UseGuards } from '@nestjs/common';
import { CurrentClient } from '../clients/client-auth.guard.js';
import type { AuthenticatedClient } from '../clients/client-authenticator.js';
import { FormBody } from '../common/form-body.js';
import { NoStore } from '../common/no-store.js';
import { OAuthError } from '../common/oauth-error.js';
import { DpopTokenRequestGuard } from '../dpop/dpop-proof.guard.js';
import type { DpopRequest } from '../dpop/dpop-proof.guard.js';
import { GrantHandlerRegistry } from './grant-handler-registry.js';
import { TokenResponse } from './grant-handler.js';
import { TokenRequestGuard } from './token-request.guard.js';

/**
 * `POST /api/oauth2/token`. Order of checks: malformed request → `invalid_request`; unknown
 * grant → `unsupported_grant_type`; client authentication → `invalid_client` (TokenRequestGuard);
 * grant not in the client's `allowed-grant-types` or refused by the handler's `isAllowedFor` →
 * `unauthorized_client`; a parameter the grant declares
 * required is missing → `invalid_request`; then the grant handler registered for `grant_type`.
 * A `DPoP` header is checked once the client is authenticated (DpopTokenRequestGuard:
 * `invalid_dpop_proof`) and handed to the grant, which binds the access token to its key.
 */
@Controller('api/oauth2')
export class TokenController {
  constructor(private readonly grants: GrantHandlerRegistry) {}

  @Post('token')
  @NoStore()
  @HttpCode(200)
  @UseGuards(TokenRequestGuard, DpopTokenRequestGuard)
  async token(
    @Req() request: DpopRequest,
    @CurrentClient() authenticated: AuthenticatedClient,
  ): Promise<TokenResponse> {
    const params = request.body as FormBody;
    const grantType = params.get('grant_type')!;
    const handler = this.grants.find(grantType)!;
    // The client's allowed-grant-types bind every grant, whatever a handler's own rule says.
    if (!authenticated.client.allowsGrant(grantType) || !handler.isAllowedFor(authenticated.client)) {
      throw OAuthError.unauthorizedClient(`the client may not use grant_type ${grantType}`);
    }
    const missing = handler.requiredParameters?.find((name) => !params.get(name));
    if (missing !== undefined) throw OAuthError.invalidRequest(`${missing} is required`);
    return handler.handle({ authenticated, params, dpop: request.dpop });
  }
}
