import { Inject, Injectable } from '@nestjs/common';
import { randomToken, tokenHash } from '../common/secure-tokens.js';
import { AUTHORIZATION_CODE_STORE } from '../store/authorization-code-store.js';
import type { AuthorizationCodeStore } from '../store/authorization-code-store.js';
import { codeBinding, mintAuthorizationCode } from '../token/authorization-code.js';
import { TokenPolicy } from '../token/token-policy.js';
import type { AuthorizationRequest } from './authorization-request.js';

/** The grant and refresh-token family a code starts, when chosen before it is issued (a session lists them first). */
export interface CodeGrant {
  grantId: string;
  familyId: string;
}

/** What a code is issued for: an accepted authorization request. */
export interface CodeRequest {
  clientId: string;
  redirectUri: string;
  codeChallenge: string;
  scopes: readonly string[];
  nonce?: string;
  dpopJkt?: string;
}

/**
 * Issues single-use authorization codes (256 random bits; only the hash is stored) bound to the
 * client, redirect URI, PKCE challenge (and DPoP key), carrying the scopes, nonce, user and
 * `auth_time`; lifespan `token.authorization-code.lifespan`.
 */
@Injectable()
export class AuthorizationCodeIssuer {
  constructor(
    @Inject(AUTHORIZATION_CODE_STORE) private readonly codes: AuthorizationCodeStore,
    private readonly policy: TokenPolicy,
  ) {}

  async issue(request: CodeRequest, userId: string, authTime: number, sessionId?: string, grant?: CodeGrant): Promise<string> {
    const grantId = grant?.grantId ?? randomToken(16);
    const code = mintAuthorizationCode(grantId);
    await this.codes.save(tokenHash(code), {
      clientId: request.clientId,
      redirectUri: request.redirectUri,
      codeChallenge: request.codeChallenge,
      scopes: [...request.scopes],
      nonce: request.nonce,
      userId,
      authTime,
      grantId,
      familyId: grant?.familyId ?? randomToken(16),
      binding: codeBinding(request.clientId, request.redirectUri, request.codeChallenge, request.dpopJkt),
      dpopJkt: request.dpopJkt,
      sessionId,
    }, this.policy.authorizationCodeTtlMs);
    return code;
  }
}

/** The code request of an accepted authorization request (every field it carries but the client object). */
export function codeRequestOf(request: AuthorizationRequest): CodeRequest {
  const { client, ...accepted } = request;
  return { ...accepted, clientId: client.id };
}
