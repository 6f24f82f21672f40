import { Controller, HttpCode, Inject, Logger, Post, Req, UseGuards } from '@nestjs/common';
import { ClientAuthGuard, CurrentClient } from '../../clients/client-auth.guard.js';
import type { ClientAuthenticatedRequest } from '../../clients/client-auth.guard.js';
import type { AuthenticatedClient } from '../../clients/client-authenticator.js';
import { FormBody } from '../../common/form-body.js';
import { NoStore } from '../../common/no-store.js';
import { OAuthError } from '../../common/oauth-error.js';
import { tokenHash } from '../../common/secure-tokens.js';
import { REFRESH_TOKEN_STORE } from '../../store/refresh-token-store.js';
import type { RefreshTokenStore } from '../../store/refresh-token-store.js';
import { REVOCATION_STORE } from '../../store/revocation-store.js';
import type { RevocationStore } from '../../store/revocation-store.js';
import { AccessTokenVerifier } from '../access-token-verifier.js';
import { refreshTokenFamily } from '../refresh-token.js';
import { TokenPolicy } from '../token-policy.js';

/**
 * `POST /api/oauth2/revoke` (RFC 7009). A refresh token ends its whole family (and the
 * family's access tokens); an access token is revoked by `jti` until it expires. Another
 * client's token is `unauthorized_client`; an unknown or expired token answers 200. A store
 * failure is an error (503), never a silent 200.
 */
@Controller('api/oauth2')
export class RevocationController {
  private readonly logger = new Logger('Revocation');

  constructor(
    private readonly accessTokens: AccessTokenVerifier,
    @Inject(REFRESH_TOKEN_STORE) private readonly families: RefreshTokenStore,
    @Inject(REVOCATION_STORE) private readonly revocations: RevocationStore,
    private readonly policy: TokenPolicy,
  ) {}

  @Post('revoke')
  @NoStore()
  @HttpCode(200)
  @UseGuards(ClientAuthGuard)
  async revoke(@Req() request: ClientAuthenticatedRequest, @CurrentClient() authenticated: AuthenticatedClient): Promise<string> {
    const token = (request.body as FormBody).get('token');
    if (!token) throw OAuthError.invalidRequest('token is required');
    const hint = (request.body as FormBody).get('token_type_hint');
    if (hint !== undefined && hint !== 'access_token' && hint !== 'refresh_token') {
      throw new OAuthError('unsupported_token_type', 'token_type_hint must be access_token or refresh_token');
    }
    try {
      await this.revokeToken(token, authenticated.client.id);
    } catch (e) {
      if (e instanceof OAuthError) throw e;
      this.logger.error(`revocation failed: ${e instanceof Error ? e.message : String(e)}`);
      throw OAuthError.temporarilyUnavailable('the token could not be revoked; try again');
    }
    return '';
  }

  private async revokeToken(token: string, clientId: string): Promise<void> {
    const familyId = refreshTokenFamily(token);
    if (familyId) {
      const family = await this.families.find(familyId);
      if (!family) return;
      const hash = tokenHash(token);
      if (family.currentHash !== hash && family.previousHash !== hash) return;
      if (family.clientId !== clientId) throw OAuthError.unauthorizedClient('the token was issued to another client');
      await this.families.revoke(family.familyId);
      await this.revocations.revokeGrant(family.grantId, this.policy.revocationTtlMs);
      return;
    }
    const claims = this.accessTokens.decode(token);
    if (!claims) return;
    if (claims.client_id !== clientId) throw OAuthError.unauthorizedClient('the token was issued to another client');
    const ttlMs = claims.exp * 1000 - Date.now();
    if (ttlMs > 0) await this.revocations.revokeAccessToken(claims.jti, claims.gid, ttlMs + 1000);
  }
}
