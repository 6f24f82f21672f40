import { Controller, HttpCode, Inject, Logger, Post, Req, Res, UseGuards } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { tokenHash } from '../../common/secure-tokens.js';
import { ClientAuthGuard, CurrentClient } from '../../clients/client-auth.guard.js';
import type { ClientAuthenticatedRequest } from '../../clients/client-auth.guard.js';
import type { AuthenticatedClient } from '../../clients/client-authenticator.js';
import { FormBody } from '../../common/form-body.js';
import { OAuthError } from '../../common/oauth-error.js';
import { LoadedConfiguration } from '../../config/load-configuration.js';
import { AUTHORIZATION_STORE } from '../../store/authorization-store.js';
import type { AuthorizationStore } from '../../store/authorization-store.js';
import { AccessTokenVerifier } from '../access-token-verifier.js';
import { refreshTokenFamily } from '../refresh-token.js';

/**
 * `POST /api/oauth2/revoke` (RFC 7009). A refresh token ends its whole family (and the
 * family's access tokens); an access token is revoked by `jti` until it expires. Another
 * client's token is `unauthorized_client`; an unknown or expired token answers 200. A store
 * failure is an error (503), never a silent 200.
 */
@Controller('api/oauth2')
export class RevocationController {
  private readonly logger = new Logger('Revocation');
  private readonly grantTtlMs: number;

  constructor(
    @Inject(LoadedConfiguration) configuration: LoadedConfiguration,
    private readonly accessTokens: AccessTokenVerifier,
    @Inject(AUTHORIZATION_STORE) private readonly store: AuthorizationStore,
  ) {
    this.grantTtlMs = configuration.parsed.token.accessTokenMs + 60_000;
  }

  @Post('revoke')
  @HttpCode(200)
  @UseGuards(ClientAuthGuard)
  async revoke(
    @Req() request: ClientAuthenticatedRequest,
    @CurrentClient() authenticated: AuthenticatedClient,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<string> {
    void reply.headers({ 'cache-control': 'no-store', pragma: 'no-cache' });
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
      const family = await this.store.findFamily(familyId);
      if (!family) return;
      const hash = tokenHash(token);
      if (family.currentHash !== hash && family.previousHash !== hash) return;
      if (family.clientId !== clientId) throw OAuthError.unauthorizedClient('the token was issued to another client');
      await this.store.revokeFamily(family.familyId, this.grantTtlMs);
      await this.store.revokeGrant(family.grantId, this.grantTtlMs);
      return;
    }
    const claims = this.accessTokens.decode(token);
    if (!claims) return;
    if (claims.client_id !== clientId) throw OAuthError.unauthorizedClient('the token was issued to another client');
    const ttlMs = claims.exp * 1000 - Date.now();
    if (ttlMs > 0) await this.store.revokeAccessToken(claims.jti, ttlMs + 1000);
  }
}
