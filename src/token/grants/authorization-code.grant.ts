import { Inject, Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { constantTimeEquals, tokenHash } from '../../common/secure-tokens.js';
import { Client } from '../../clients/client.js';
import { OAuthError } from '../../common/oauth-error.js';
import { LoadedConfiguration } from '../../config/load-configuration.js';
import { AUTHORIZATION_STORE } from '../../store/authorization-store.js';
import type { AuthorizationCodeRecord, AuthorizationStore } from '../../store/authorization-store.js';
import { USER_DIRECTORY } from '../../users/user-directory.js';
import type { UserDirectory } from '../../users/user-directory.js';
import { GrantHandler, GrantRequest, TokenGrant, TokenResponse } from '../grant-handler.js';
import { mintRefreshToken } from '../refresh-token.js';
import { UserTokenIssuer } from '../user-token-issuer.js';

/** RFC 7636 §4.1: 43 to 128 unreserved characters. */
const CODE_VERIFIER = /^[A-Za-z0-9._~-]{43,128}$/;

/**
 * Authorization code grant (OAuth 2.1 §4.1.3): the code is consumed atomically (single use),
 * must belong to the authenticated client, `redirect_uri` must equal the one of the
 * authorization request and `BASE64URL(SHA256(code_verifier))` the stored challenge. A second
 * redemption fails with `invalid_grant` and revokes everything the first one produced.
 */
@Injectable()
@TokenGrant('authorization_code')
export class AuthorizationCodeGrant implements GrantHandler {
  private readonly refreshTtlMs: number;

  constructor(
    @Inject(LoadedConfiguration) configuration: LoadedConfiguration,
    @Inject(AUTHORIZATION_STORE) private readonly store: AuthorizationStore,
    @Inject(USER_DIRECTORY) private readonly users: UserDirectory,
    private readonly tokens: UserTokenIssuer,
  ) {
    this.refreshTtlMs = configuration.parsed.token.refreshTokenMs;
  }

  isAllowedFor(client: Client): boolean {
    return client.allowsGrant('authorization_code');
  }

  async handle({ authenticated, params }: GrantRequest): Promise<TokenResponse> {
    const client = authenticated.client;
    const code = params.get('code');
    const redirectUri = params.get('redirect_uri');
    const verifier = params.get('code_verifier');
    if (!code) throw OAuthError.invalidRequest('code is required');
    if (!redirectUri) throw OAuthError.invalidRequest('redirect_uri is required');
    if (!verifier) throw OAuthError.invalidRequest('code_verifier is required (PKCE)');
    if (!CODE_VERIFIER.test(verifier)) throw OAuthError.invalidRequest('code_verifier must be 43 to 128 characters of [A-Za-z0-9._~-]');

    const consumption = await this.store.consumeCode(tokenHash(code));
    if (consumption.outcome === 'missing') throw OAuthError.invalidGrant('the authorization code is invalid or expired');
    if (consumption.outcome === 'replayed') {
      // Only a replay by the client the code was issued to revokes: another client that learnt
      // a used code must not be able to end the real client's tokens.
      if (consumption.record.clientId === client.id) await this.revokeWhatTheCodeProduced(consumption.record);
      throw OAuthError.invalidGrant('the authorization code was already used; the tokens issued from it are revoked');
    }
    const record = consumption.record;
    if (record.clientId !== client.id) throw OAuthError.invalidGrant('the authorization code was issued to another client');
    if (record.redirectUri !== redirectUri) throw OAuthError.invalidGrant('redirect_uri does not match the authorization request');
    if (!pkceMatches(verifier, record.codeChallenge)) throw OAuthError.invalidGrant('code_verifier does not match the code_challenge');

    const user = await this.users.findById(record.userId);
    if (!user) throw OAuthError.invalidGrant('the user no longer exists');

    let refreshToken: string | undefined;
    if (client.allowsGrant('refresh_token')) {
      const minted = mintRefreshToken(record.familyId);
      await this.store.createFamily({
        familyId: record.familyId, grantId: record.grantId, clientId: client.id, userId: user.id, scopes: record.scopes,
        authTime: record.authTime, currentHash: minted.hash, rotatedAt: Date.now(), revoked: false,
      }, this.refreshTtlMs);
      // A replay that raced this redemption revoked the grant before or after this point;
      // it revokes the grant first, then the family, so one of the two checks sees it.
      if (await this.store.isAccessTokenRevoked('', record.grantId)) {
        await this.store.revokeFamily(record.familyId, this.tokens.grantRevocationTtlMs);
        throw OAuthError.invalidGrant('the authorization code was already used; the tokens issued from it are revoked');
      }
      refreshToken = minted.token;
    }
    return this.tokens.issue({
      client, user, scopes: record.scopes, authTime: record.authTime, grantId: record.grantId, nonce: record.nonce, refreshToken,
    });
  }

  /** Grant first, then family: see the race note in `handle`. */
  private async revokeWhatTheCodeProduced(record: AuthorizationCodeRecord): Promise<void> {
    await this.store.revokeGrant(record.grantId, this.tokens.grantRevocationTtlMs);
    await this.store.revokeFamily(record.familyId, this.tokens.grantRevocationTtlMs);
  }
}

/** `BASE64URL(SHA256(ASCII(code_verifier))) == code_challenge`, compared in constant time. */
export function pkceMatches(verifier: string, challenge: string): boolean {
  return constantTimeEquals(createHash('sha256').update(verifier, 'ascii').digest('base64url'), challenge);
}
