import { Inject, Injectable } from '@nestjs/common';
import { randomToken, tokenHash } from '../common/secure-tokens.js';
import { LoadedConfiguration } from '../config/load-configuration.js';
import { AUTHORIZATION_STORE } from '../store/authorization-store.js';
import type { AuthorizationStore, PendingAuthorization } from '../store/authorization-store.js';


/**
 * Issues single-use authorization codes bound to the client, redirect URI, PKCE challenge,
 * scopes, nonce, user and `auth_time`; lifespan `token.authorization-code.lifespan`.
 */
@Injectable()
export class AuthorizationCodeIssuer {
  private readonly ttlMs: number;

  constructor(
    @Inject(LoadedConfiguration) configuration: LoadedConfiguration,
    @Inject(AUTHORIZATION_STORE) private readonly store: AuthorizationStore,
  ) {
    this.ttlMs = configuration.parsed.token.authorizationCodeMs;
  }

  async issue(pending: PendingAuthorization, userId: string, authTime: number): Promise<string> {
    const code = randomToken();
    await this.store.saveCode(tokenHash(code), {
      clientId: pending.clientId,
      redirectUri: pending.redirectUri,
      codeChallenge: pending.codeChallenge,
      scopes: pending.scopes,
      nonce: pending.nonce,
      userId,
      authTime,
      grantId: randomToken(16),
      familyId: randomToken(16),
    }, this.ttlMs);
    return code;
  }
}
