import { Inject, Injectable } from '@nestjs/common';
import { Client } from '../clients/client.js';
import { LoadedConfiguration } from '../config/load-configuration.js';
import { IdTokenIssuer } from '../oidc/id-token-issuer.js';
import { User } from '../users/user-directory.js';
import { AccessTokenIssuer } from './access-token-issuer.js';
import { TokenResponse } from './grant-handler.js';

export interface UserTokenRequest {
  client: Client;
  user: User;
  scopes: readonly string[];
  authTime: number;
  grantId: string;
  nonce?: string;
  refreshToken?: string;
}

/**
 * The token response of the user grants (authorization code, refresh token): an access token
 * carrying the grant id (`gid`, so that revoking the grant deactivates it), the refresh token
 * when there is one, and an ID token when `openid` was granted.
 */
@Injectable()
export class UserTokenIssuer {
  /** How long a grant revocation must be remembered: as long as its access tokens live. */
  readonly grantRevocationTtlMs: number;

  constructor(
    @Inject(LoadedConfiguration) configuration: LoadedConfiguration,
    private readonly accessTokens: AccessTokenIssuer,
    private readonly idTokens: IdTokenIssuer,
  ) {
    this.grantRevocationTtlMs = configuration.parsed.token.accessTokenMs + 60_000;
  }

  async issue(request: UserTokenRequest): Promise<TokenResponse> {
    const access = await this.accessTokens.issue({ client: request.client, subject: request.user.id, scopes: request.scopes, extra: { gid: request.grantId } });
    const response: TokenResponse = { access_token: access.token, token_type: 'Bearer', expires_in: access.expiresIn, scope: request.scopes.join(' ') };
    if (request.refreshToken !== undefined) response.refresh_token = request.refreshToken;
    if (request.scopes.includes('openid')) {
      response.id_token = await this.idTokens.issue({
        client: request.client, user: request.user, scopes: request.scopes, authTime: request.authTime, nonce: request.nonce, accessToken: access.token,
      });
    }
    return response;
  }
}
