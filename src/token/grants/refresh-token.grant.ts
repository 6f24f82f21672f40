import { Inject, Injectable, Logger } from '@nestjs/common';
import { Client } from '../../clients/client.js';
import { OAuthError } from '../../common/oauth-error.js';
import { tokenHash } from '../../common/secure-tokens.js';
import { parseScopeParameter } from '../../scopes/scope-registry.js';
import { REFRESH_TOKEN_STORE } from '../../store/refresh-token-store.js';
import type { RefreshTokenFamily, RefreshTokenStore } from '../../store/refresh-token-store.js';
import { REVOCATION_STORE } from '../../store/revocation-store.js';
import type { RevocationStore } from '../../store/revocation-store.js';
import { USER_DIRECTORY } from '../../users/user-directory.js';
import type { UserDirectory } from '../../users/user-directory.js';
import { GrantHandler, GrantRequest, TokenGrant, TokenResponse } from '../grant-handler.js';
import { mintRefreshToken, refreshTokenFamily } from '../refresh-token.js';
import { TokenPolicy } from '../token-policy.js';
import { UserTokenIssuer } from '../user-token-issuer.js';

const INVALID = 'the refresh token is invalid, expired or revoked';
/** Rotations lost to a concurrent rotation are decided again this many times, at most. */
const MAX_ROTATION_ATTEMPTS = 3;

/**
 * Refresh token grant (OAuth 2.1 §4.3, SPEC §2) with rotation on every use for every client. The
 * presented token must be live (`TokenPolicy`: the family's current token, or the previous one
 * within `token.refresh-token.reuse-grace`); presenting any other token of the family revokes the
 * whole family and its grant (reuse detection). The rotation itself is a compare-and-set on the
 * family's current token, so of concurrent refreshes with one token exactly one rotates; the
 * others then hold a rotated token and are treated as reuse. Scope may be narrowed, never widened,
 * and a scope the client is no longer allowed (a reload took it away) is dropped, as at `/authorize`.
 * A family bound to a DPoP key (a public client's, RFC 9449 §5) is refreshed only with a proof by
 * that key; anything else is refused before the family is touched (a thief holding the refresh
 * token without the key can neither use it nor trigger reuse detection).
 */
@Injectable()
@TokenGrant('refresh_token')
export class RefreshTokenGrant implements GrantHandler {
  private readonly logger = new Logger('Security');

  constructor(
    @Inject(REFRESH_TOKEN_STORE) private readonly families: RefreshTokenStore,
    @Inject(REVOCATION_STORE) private readonly revocations: RevocationStore,
    @Inject(USER_DIRECTORY) private readonly users: UserDirectory,
    private readonly tokens: UserTokenIssuer,
    private readonly policy: TokenPolicy,
  ) {}

  isAllowedFor(client: Client): boolean {
    return client.allowsGrant('refresh_token');
  }

  async handle({ authenticated, params, dpop }: GrantRequest): Promise<TokenResponse> {
    const client = authenticated.client;
    const presented = params.get('refresh_token');
    if (!presented) throw OAuthError.invalidRequest('refresh_token is required');
    const familyId = refreshTokenFamily(presented);
    let family = familyId ? await this.families.find(familyId) : undefined;
    if (!family || family.revoked || this.policy.isExpiredRefreshFamily(family, Date.now())) throw OAuthError.invalidGrant(INVALID);
    // Another client's token is refused without touching the family.
    if (family.clientId !== client.id) throw OAuthError.invalidGrant('the refresh token was issued to another client');
    if (family.dpopJkt !== undefined && family.dpopJkt !== dpop?.jkt) {
      throw OAuthError.invalidGrant('the refresh token is bound to a DPoP key: refresh it with a DPoP proof signed by that key');
    }

    const presentedHash = tokenHash(presented);
    const scopes = this.narrowedScopes(client, family, presentedHash, params.get('scope'));
    const next = mintRefreshToken(family.familyId);
    // A revoked grant ends its family. The paths that revoke a grant revoke the family too, but in
    // a second write (a logout or a code replay revokes the grant first): should that write fail,
    // the family must still not mint tokens. Asked in the same batch as the first rotation.
    const grantRevoked = this.revocations.isGrantRevoked(family.grantId);
    grantRevoked.catch(() => undefined); // awaited below, unless the request fails before
    for (let attempt = 1; ; attempt++) {
      const now = Date.now();
      if (!this.policy.isLiveRefreshToken(family, presentedHash, now)) return this.reused(family);
      const rotated = await this.families.compareAndRotate(
        family.familyId, family.currentHash, this.policy.rotation(family, presentedHash, next.hash, now), this.policy.refreshTokenTtlMs);
      if (rotated) break;
      // Another refresh of this family won: decide again on what it wrote.
      family = await this.families.find(family.familyId);
      if (!family || family.revoked || attempt >= MAX_ROTATION_ATTEMPTS) throw OAuthError.invalidGrant(INVALID);
    }

    if (await grantRevoked) {
      await this.families.revoke(family.familyId);
      throw OAuthError.invalidGrant(INVALID);
    }
    const user = await this.users.findById(family.userId);
    if (!user) {
      await this.revokeFamily(family);
      throw OAuthError.invalidGrant('the user no longer exists');
    }
    return this.tokens.issue({ client, user, scopes, authTime: family.authTime, grantId: family.grantId, refreshToken: next.token, dpopJkt: dpop?.jkt });
  }

  /**
   * The scopes of the new access token. A token that is not live goes straight to reuse detection
   * (in `handle`): no answer may tell its holder anything else, so the scope is checked for live
   * tokens only.
   */
  private narrowedScopes(client: Client, family: RefreshTokenFamily, presentedHash: string, requested: string | undefined): string[] {
    if (requested === undefined || !this.policy.isLiveRefreshToken(family, presentedHash, Date.now())) return client.stillAllowedOf(family.scopes);
    const narrowed = [...new Set(parseScopeParameter(requested))];
    const wider = narrowed.find((s) => !family.scopes.includes(s));
    if (wider !== undefined) throw OAuthError.invalidScope(`scope ${wider.replace(/[^\x21-\x7E]/g, '?').slice(0, 60)} was not granted to this refresh token`);
    return client.stillAllowedOf(narrowed);
  }

  private async reused(family: RefreshTokenFamily): Promise<never> {
    this.logger.warn({ msg: 'refresh token reused: its family is revoked', event: 'refresh_token_reuse', clientId: family.clientId, familyId: family.familyId, grantId: family.grantId });
    await this.revokeFamily(family);
    throw OAuthError.invalidGrant('the refresh token was already used; its token family is revoked');
  }

  private async revokeFamily(family: RefreshTokenFamily): Promise<void> {
    await this.families.revoke(family.familyId);
    await this.revocations.revokeGrant(family.grantId, this.policy.revocationTtlMs);
  }
}
