import { Injectable } from '@nestjs/common';
import { Client } from '../../clients/client.js';
import { Scopes } from '../../scopes/scopes.js';
import { AccessTokenIssuer } from '../access-token-issuer.js';
import { GrantHandler, GrantRequest, TokenGrant, TokenResponse } from '../grant-handler.js';

/**
 * Client credentials grant (RFC 6749 §4.4, SPEC §2): confidential clients only, scope filtered
 * by `allowed-scopes` (absent → `default-scopes`), `sub` is the client id, no refresh token.
 */
@Injectable()
@TokenGrant('client_credentials')
export class ClientCredentialsGrant implements GrantHandler {
  constructor(
    private readonly scopes: Scopes,
    private readonly accessTokens: AccessTokenIssuer,
  ) {}

  isAllowedFor(client: Client): boolean {
    return client.isConfidential && client.allowsGrant('client_credentials');
  }

  async handle({ authenticated, params, dpop }: GrantRequest): Promise<TokenResponse> {
    const client = authenticated.client;
    const scopes = this.scopes.grant(client, params.get('scope'));
    const token = await this.accessTokens.issue({ client, subject: client.id, scopes, dpopJkt: dpop?.jkt });
    return { access_token: token.token, token_type: dpop ? 'DPoP' : 'Bearer', expires_in: token.expiresIn, scope: scopes.join(' ') };
  }
}
