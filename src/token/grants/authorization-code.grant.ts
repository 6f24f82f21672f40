import { Inject, Injectable, Logger } from '@nestjs/common';
import { Client } from '../../clients/client.js';
import { OAuthError } from '../../common/oauth-error.js';
import { tokenHash } from '../../common/secure-tokens.js';
import { AUTHORIZATION_CODE_STORE } from '../../store/authorization-code-store.js';
import type { AuthorizationCodeRecord, AuthorizationCodeStore, SpentCode } from '../../store/authorization-code-store.js';
import { REFRESH_TOKEN_STORE } from '../../store/refresh-token-store.js';
import type { RefreshTokenStore } from '../../store/refresh-token-store.js';
import { REVOCATION_STORE } from '../../store/revocation-store.js';
import type { RevocationStore } from '../../store/revocation-store.js';
import { USER_DIRECTORY } from '../../users/user-directory.js';
import type { UserDirectory } from '../../users/user-directory.js';
import { authorizationCodeGrant, codeBinding, s256Challenge } from '../authorization-code.js';
import { DpopBinding, GrantHandler, GrantRequest, TokenGrant, TokenResponse } from '../grant-handler.js';
import { mintRefreshToken } from '../refresh-token.js';
import { TokenPolicy } from '../token-policy.js';
import { UserTokenIssuer } from '../user-token-issuer.js';

/** RFC 7636 §4.1: 43 to 128 unreserved characters. */
const CODE_VERIFIER = /^[A-Za-z0-9._~-]{43,128}$/;
const ALREADY_USED = 'the authorization code was already used; the tokens issued from it are revoked';

/**
 * Authorization code grant (OAuth 2.1 §4.1.3). The code is spent by one atomic
 * consume-if-matches: only a redemption by the client it was issued to, with the redirect URI of
 * the authorization request and a verifier matching the stored challenge, spends it (anyone else
 * holding the code cannot void it for its owner). A second redemption fails with `invalid_grant`
 * and revokes everything the first one produced, for as long as those tokens live.
 *
 * DPoP (RFC 9449): with a proof, the request also vouches for the binding that names the proof's
 * key, so a code issued for a `dpop_jkt` is redeemed only with a proof by that key (§10); the
 * access token is bound to the proof's key, and so is the refresh-token family of a public
 * client (§5).
 */
@Injectable()
@TokenGrant('authorization_code')
export class AuthorizationCodeGrant implements GrantHandler {
  private readonly logger = new Logger('Security');

  constructor(
    @Inject(AUTHORIZATION_CODE_STORE) private readonly codes: AuthorizationCodeStore,
    @Inject(REFRESH_TOKEN_STORE) private readonly families: RefreshTokenStore,
    @Inject(REVOCATION_STORE) private readonly revocations: RevocationStore,
    @Inject(USER_DIRECTORY) private readonly users: UserDirectory,
    private readonly tokens: UserTokenIssuer,
    private readonly policy: TokenPolicy,
  ) {}

  isAllowedFor(client: Client): boolean {
    return client.allowsGrant('authorization_code');
  }

  async handle({ authenticated, params, dpop }: GrantRequest): Promise<TokenResponse> {
    const client = authenticated.client;
    const code = params.get('code');
    const redirectUri = params.get('redirect_uri');
    const verifier = params.get('code_verifier');
    if (!code) throw OAuthError.invalidRequest('code is required');
    if (!redirectUri) throw OAuthError.invalidRequest('redirect_uri is required');
    if (!verifier) throw OAuthError.invalidRequest('code_verifier is required (PKCE)');
    if (!CODE_VERIFIER.test(verifier)) throw OAuthError.invalidRequest('code_verifier must be 43 to 128 characters of [A-Za-z0-9._~-]');

    const grantId = authorizationCodeGrant(code);
    if (grantId === undefined) throw OAuthError.invalidGrant('the authorization code is invalid or expired');
    const challenge = s256Challenge(verifier);
    const bindings = [codeBinding(client.id, redirectUri, challenge)];
    if (dpop) bindings.push(codeBinding(client.id, redirectUri, challenge, dpop.jkt));
    // Whether the grant was revoked before this redemption (a logout revoking its session's
    // tokens) is asked in the same batch as the code is spent.
    const [redemption, revokedBefore] = await Promise.all([
      this.codes.redeem(tokenHash(code), bindings, this.policy.spentCodeTtlMs),
      this.revocations.isGrantRevoked(grantId),
    ]);
    if (redemption.outcome === 'redeemed' && (revokedBefore || redemption.record.grantId !== grantId)) {
      throw OAuthError.invalidGrant('the authorization code was revoked');
    }
    switch (redemption.outcome) {
      case 'missing':
        throw OAuthError.invalidGrant('the authorization code is invalid or expired');
      case 'spent':
        // Only a replay by the client the code was issued to revokes: another client that learnt
        // a used code must not be able to end the real client's tokens.
        if (redemption.spent.clientId === client.id) await this.revokeWhatTheCodeProduced(redemption.spent);
        throw OAuthError.invalidGrant(ALREADY_USED);
      case 'mismatch':
        throw OAuthError.invalidGrant(mismatchReason(redemption.record, client.id, redirectUri, challenge));
      case 'redeemed':
        return this.issueTokens(client, redemption.record, dpop);
    }
  }

  private async issueTokens(client: Client, record: AuthorizationCodeRecord, dpop: DpopBinding | undefined): Promise<TokenResponse> {
    const user = await this.users.findById(record.userId);
    if (!user) throw OAuthError.invalidGrant('the user no longer exists');
    // A reload between the authorization request and now may have taken scopes from the client.
    const scopes = client.stillAllowedOf(record.scopes);

    let refreshToken: string | undefined;
    if (client.allowsGrant('refresh_token')) {
      const minted = mintRefreshToken(record.familyId);
      await this.families.create({
        familyId: record.familyId, grantId: record.grantId, clientId: client.id, userId: user.id, scopes,
        authTime: record.authTime, currentHash: minted.hash, rotatedAt: Date.now(), revoked: false, sessionId: record.sessionId,
        // RFC 9449 §5: a public client's refresh tokens are bound to its DPoP key.
        ...(client.isPublic && dpop ? { dpopJkt: dpop.jkt } : {}),
      }, this.policy.refreshTokenTtlMs);
      // A replay racing this redemption (at this replica or another) revokes the grant, then
      // the family: if it revoked the grant before this check, the family may have been created
      // after its revocation — revoke it here; if after, its own family revocation sees the
      // family. Either way this redemption, the first, still answers: its tokens are dead (their
      // grant is revoked), as the replay rule wants, and of two racing redemptions exactly one
      // succeeds and the other is the replay.
      if (await this.revocations.isGrantRevoked(record.grantId)) await this.families.revoke(record.familyId);
      refreshToken = minted.token;
    }
    return this.tokens.issue({
      client, user, scopes, authTime: record.authTime, grantId: record.grantId, nonce: record.nonce, refreshToken, dpopJkt: dpop?.jkt,
    });
  }

  /** Grant first, then family: see the race note in `issueTokens`. */
  private async revokeWhatTheCodeProduced(spent: SpentCode): Promise<void> {
    this.logger.warn({ msg: 'authorization code replayed: its grant is revoked', event: 'authorization_code_replay', clientId: spent.clientId, grantId: spent.grantId });
    await this.revocations.revokeGrant(spent.grantId, this.policy.revocationTtlMs);
    await this.families.revoke(spent.familyId);
  }
}

/** Which check a live code failed, for the error description (the code stays valid). */
function mismatchReason(record: AuthorizationCodeRecord, clientId: string, redirectUri: string, challenge: string): string {
  if (record.clientId !== clientId) return 'the authorization code was issued to another client';
  if (record.redirectUri !== redirectUri) return 'redirect_uri does not match the authorization request';
  if (record.codeChallenge !== challenge) return 'code_verifier does not match the code_challenge';
  return 'the authorization code is bound to a DPoP key (dpop_jkt): redeem it with a DPoP proof signed by that key';
}
