import { Injectable } from '@nestjs/common';
import { Client } from '../clients/client.js';
import { Clients } from '../clients/clients.js';
import { OAuthError } from '../common/oauth-error.js';
import { User } from '../users/user-directory.js';
import { AccessTokenIssuer } from './access-token-issuer.js';
import { TokenResponse } from './grant-handler.js';
import { IdTokenIssuer } from './id-token-issuer.js';

export interface UserTokenRequest {
  client: Client;
  user: User;
  scopes: readonly string[];
  authTime: number;
  grantId: string;
  nonce?: string;
  refreshToken?: string;
  /** RFC 9449: bind the access token to this DPoP key (`cnf.jkt`, `token_type: DPoP`). */
  dpopJkt?: string;
}

/**
 * The token response of the user grants (authorization code, refresh token, and extension grants
 * that act for a user): an access token carrying the grant id (`gid`, so that revoking the grant
 * deactivates it), the refresh token when there is one, and an ID token when `openid` was granted.
 *
 * This is where a user's id becomes a `sub`, so it is where the rule "a client id is never a
 * username" (RFC 9700 §4.15) is enforced whatever user directory is plugged in: a user whose id
 * is a client id gets no token (the configuration checks `users:` at startup too).
 */
@Injectable()
export class UserTokenIssuer {
  constructor(
    private readonly clients: Clients,
    private readonly accessTokens: AccessTokenIssuer,
    private readonly idTokens: IdTokenIssuer,
  ) {}

  async issue(request: UserTokenRequest): Promise<TokenResponse> {
    if (this.clients.find(request.user.id)) {
      throw OAuthError.invalidGrant('the user cannot be identified: its id is also a client id');
    }
    const access = await this.accessTokens.issue({
      client: request.client, subject: request.user.id, scopes: request.scopes, extra: { gid: request.grantId }, dpopJkt: request.dpopJkt,
    });
    const response: TokenResponse = {
      access_token: access.token, token_type: request.dpopJkt === undefined ? 'Bearer' : 'DPoP', expires_in: access.expiresIn, scope: request.scopes.join(' '),
    };
    if (request.refreshToken !== undefined) response.refresh_token = request.refreshToken;
    if (request.scopes.includes('openid')) {
      response.id_token = await this.idTokens.issue({
        client: request.client, user: request.user, scopes: request.scopes, authTime: request.authTime, nonce: request.nonce, accessToken: access.token,
      });
    }
    return response;
  }
}
