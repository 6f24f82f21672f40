import { Controller, HttpCode, Inject, Post, Req, UseGuards } from '@nestjs/common';
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

const INACTIVE = Object.freeze({ active: false });

/**
 * `POST /api/oauth2/introspect` (RFC 7662), for the client the token was issued to: another
 * client's token, an unknown, expired or revoked one (a refresh token also through its grant),
 * all answer `{"active": false}`. A DPoP-bound
 * token (RFC 9449 §6.2) answers `token_type: DPoP` and its key's thumbprint as `cnf.jkt`; so does
 * a bound refresh token (`cnf` only).
 */
@Controller('api/oauth2')
export class IntrospectionController {
  constructor(
    private readonly accessTokens: AccessTokenVerifier,
    @Inject(REFRESH_TOKEN_STORE) private readonly families: RefreshTokenStore,
    @Inject(REVOCATION_STORE) private readonly revocations: RevocationStore,
    private readonly policy: TokenPolicy,
  ) {}

  @Post('introspect')
  @NoStore()
  @HttpCode(200)
  @UseGuards(ClientAuthGuard)
  async introspect(@Req() request: ClientAuthenticatedRequest, @CurrentClient() authenticated: AuthenticatedClient): Promise<Record<string, unknown>> {
    const token = (request.body as FormBody).get('token');
    if (!token) throw OAuthError.invalidRequest('token is required');
    const clientId = authenticated.client.id;

    const familyId = refreshTokenFamily(token);
    if (familyId) {
      const family = await this.families.find(familyId);
      const now = Date.now();
      if (!family || family.clientId !== clientId || this.policy.isExpiredRefreshFamily(family, now) || !this.policy.isLiveRefreshToken(family, tokenHash(token), now)) {
        return INACTIVE;
      }
      // A revoked grant ends its family (the refresh grant refuses it) even when the write revoking
      // the family itself failed.
      if (await this.revocations.isGrantRevoked(family.grantId)) return INACTIVE;
      const iat = Math.floor(family.rotatedAt / 1000);
      return {
        active: true, token_type: 'refresh_token', client_id: clientId, sub: family.userId, scope: authenticated.client.stillAllowedOf(family.scopes).join(' '),
        iat, exp: iat + Math.floor(this.policy.refreshTokenTtlMs / 1000),
        ...(family.dpopJkt === undefined ? {} : { cnf: { jkt: family.dpopJkt } }),
      };
    }

    const claims = await this.accessTokens.verifyActive(token);
    if (!claims || claims.client_id !== clientId) return INACTIVE;
    return {
      active: true, token_type: claims.cnf ? 'DPoP' : 'Bearer', client_id: claims.client_id, sub: claims.sub, scope: claims.scope,
      aud: claims.aud, iss: claims.iss, iat: claims.iat, exp: claims.exp, jti: claims.jti,
      ...(claims.cnf ? { cnf: { jkt: claims.cnf.jkt } } : {}),
    };
  }
}
