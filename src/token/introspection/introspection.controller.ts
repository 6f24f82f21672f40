import { Controller, Inject, HttpCode, Post, Req, Res, UseGuards } from '@nestjs/common';
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
import { isLiveRefreshToken, refreshTokenFamily } from '../refresh-token.js';

const INACTIVE = Object.freeze({ active: false });

/**
 * `POST /api/oauth2/introspect` (RFC 7662), for the client the token was issued to: another
 * client's token, an unknown, expired or revoked one, all answer `{"active": false}`.
 */
@Controller('api/oauth2')
export class IntrospectionController {
  private readonly refreshTtlSeconds: number;
  private readonly graceMs: number;

  constructor(
    @Inject(LoadedConfiguration) configuration: LoadedConfiguration,
    private readonly accessTokens: AccessTokenVerifier,
    @Inject(AUTHORIZATION_STORE) private readonly store: AuthorizationStore,
  ) {
    this.refreshTtlSeconds = Math.floor(configuration.parsed.token.refreshTokenMs / 1000);
    this.graceMs = configuration.parsed.token.refreshTokenReuseGraceMs;
  }

  @Post('introspect')
  @HttpCode(200)
  @UseGuards(ClientAuthGuard)
  async introspect(
    @Req() request: ClientAuthenticatedRequest,
    @CurrentClient() authenticated: AuthenticatedClient,
    @Res({ passthrough: true }) reply: FastifyReply,
  ): Promise<Record<string, unknown>> {
    void reply.headers({ 'cache-control': 'no-store', pragma: 'no-cache' });
    const token = (request.body as FormBody).get('token');
    if (!token) throw OAuthError.invalidRequest('token is required');
    const clientId = authenticated.client.id;

    const familyId = refreshTokenFamily(token);
    if (familyId) {
      const family = await this.store.findFamily(familyId);
      if (!family || family.clientId !== clientId || !isLiveRefreshToken(family, tokenHash(token), Date.now(), this.graceMs)) return INACTIVE;
      const iat = Math.floor(family.rotatedAt / 1000);
      return {
        active: true, token_type: 'refresh_token', client_id: clientId, sub: family.userId, scope: family.scopes.join(' '),
        iat, exp: iat + this.refreshTtlSeconds,
      };
    }

    const claims = await this.accessTokens.verifyActive(token);
    if (!claims || claims.client_id !== clientId) return INACTIVE;
    return {
      active: true, token_type: 'Bearer', client_id: claims.client_id, sub: claims.sub, scope: claims.scope,
      aud: claims.aud, iss: claims.iss, iat: claims.iat, exp: claims.exp, jti: claims.jti,
    };
  }
}
