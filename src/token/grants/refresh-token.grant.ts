import { Inject, Injectable } from '@nestjs/common';
import { tokenHash } from '../../common/secure-tokens.js';
import { Client } from '../../clients/client.js';
import { OAuthError } from '../../common/oauth-error.js';
import { LoadedConfiguration } from '../../config/load-configuration.js';
import { parseScopeParameter } from '../../scopes/scope-registry.js';
import { AUTHORIZATION_STORE } from '../../store/authorization-store.js';
import type { AuthorizationStore } from '../../store/authorization-store.js';
import { USER_DIRECTORY } from '../../users/user-directory.js';
import type { UserDirectory } from '../../users/user-directory.js';
import { GrantHandler, GrantRequest, TokenGrant, TokenResponse } from '../grant-handler.js';
import { isLiveRefreshToken, mintRefreshToken, refreshTokenFamily } from '../refresh-token.js';
import { UserTokenIssuer } from '../user-token-issuer.js';

/**
 * Refresh token grant (OAuth 2.1 §4.3, SPEC §2) with rotation on every use for every client:
 * the presented token must be the family's current one (or the previous one within
 * `token.refresh-token.reuse-grace`); presenting an already rotated token revokes the whole
 * family (reuse detection). Scope may be narrowed, never widened.
 */
@Injectable()
@TokenGrant('refresh_token')
export class RefreshTokenGrant implements GrantHandler {
  private readonly ttlMs: number;
  private readonly graceMs: number;

  constructor(
    @Inject(LoadedConfiguration) configuration: LoadedConfiguration,
    @Inject(AUTHORIZATION_STORE) private readonly store: AuthorizationStore,
    @Inject(USER_DIRECTORY) private readonly users: UserDirectory,
    private readonly tokens: UserTokenIssuer,
  ) {
    this.ttlMs = configuration.parsed.token.refreshTokenMs;
    this.graceMs = configuration.parsed.token.refreshTokenReuseGraceMs;
  }

  isAllowedFor(client: Client): boolean {
    return client.allowsGrant('refresh_token');
  }

  async handle({ authenticated, params }: GrantRequest): Promise<TokenResponse> {
    const client = authenticated.client;
    const presented = params.get('refresh_token');
    if (!presented) throw OAuthError.invalidRequest('refresh_token is required');
    const familyId = refreshTokenFamily(presented);
    const family = familyId ? await this.store.findFamily(familyId) : undefined;
    if (!family || family.revoked) throw OAuthError.invalidGrant('the refresh token is invalid, expired or revoked');
    // Another client's token is refused without touching the family.
    if (family.clientId !== client.id) throw OAuthError.invalidGrant('the refresh token was issued to another client');

    const presentedHash = tokenHash(presented);
    const live = isLiveRefreshToken(family, presentedHash, Date.now(), this.graceMs);
    let scopes = family.scopes;
    const requested = params.get('scope');
    // A rotated token goes straight to reuse detection: no answer may tell its holder anything else.
    if (live && requested !== undefined) {
      const narrowed = [...new Set(parseScopeParameter(requested))];
      const wider = narrowed.find((s) => !family.scopes.includes(s));
      if (wider !== undefined) throw OAuthError.invalidScope(`scope ${wider.replace(/[^\x21-\x7E]/g, '?').slice(0, 60)} was not granted to this refresh token`);
      scopes = narrowed;
    }

    const next = mintRefreshToken(family.familyId);
    const rotation = await this.store.rotateRefreshToken(
      family.familyId, presentedHash, next.hash, Date.now(), this.graceMs, this.ttlMs, this.tokens.grantRevocationTtlMs);
    if (rotation.outcome === 'reused') {
      throw OAuthError.invalidGrant('the refresh token was already used; its token family is revoked');
    }
    if (rotation.outcome === 'invalid') throw OAuthError.invalidGrant('the refresh token is invalid, expired or revoked');

    const user = await this.users.findById(family.userId);
    if (!user) {
      await this.store.revokeFamily(family.familyId, this.tokens.grantRevocationTtlMs);
      throw OAuthError.invalidGrant('the user no longer exists');
    }
    return this.tokens.issue({ client, user, scopes, authTime: family.authTime, grantId: family.grantId, refreshToken: next.token });
  }
}
