import { Injectable } from '@nestjs/common';
import { Client } from '../clients/client.js';
import { OAuthError } from '../common/oauth-error.js';
import { randomToken } from '../common/secure-tokens.js';
import { TokenSigner } from '../keys/token-signer.js';
import { ServerSettings } from '../live-config/configuration-snapshot.js';
import { Scopes } from '../scopes/scopes.js';
import { TokenPolicy } from './token-policy.js';

export interface AccessTokenRequest {
  client: Client;
  /** The user id, or the client id for client credentials. */
  subject: string;
  scopes: readonly string[];
  /** Extra private claims (e.g. the grant id `gid` a user's access token belongs to). */
  extra?: Record<string, unknown>;
  /** RFC 9449 §6: the thumbprint of the DPoP key the token is bound to (`cnf.jkt`). */
  dpopJkt?: string;
  /**
   * The latest `exp` (seconds since the epoch) the token may have: a token derived from another
   * (a token exchange) must not outlive it. The token lives the configured lifespan or until
   * then, whichever ends first.
   */
  notAfter?: number;
}

export interface IssuedAccessToken {
  token: string;
  jti: string;
  expiresIn: number;
  expiresAt: number;
  claims: Record<string, unknown>;
}

/**
 * Mints RFC 9068 access tokens (`typ: at+jwt`) signed with the active access-token key. Every
 * access token passes here, an extension grant's too, so the rule that a client is granted only
 * scopes in its `allowed-scopes` is held here: any other scope is `invalid_scope`.
 */
@Injectable()
export class AccessTokenIssuer {
  constructor(
    private readonly server: ServerSettings,
    private readonly signer: TokenSigner,
    private readonly scopes: Scopes,
    private readonly policy: TokenPolicy,
  ) {}

  async issue(request: AccessTokenRequest, nowSeconds = Math.floor(Date.now() / 1000)): Promise<IssuedAccessToken> {
    const outside = request.scopes.find((scope) => !request.client.allowedScopes.has(scope));
    if (outside !== undefined) {
      throw OAuthError.invalidScope(`scope ${outside.replace(/[^\x21-\x7E]/g, '?').slice(0, 60)} is not allowed for this client`);
    }
    const jti = randomToken(16);
    const exp = Math.min(nowSeconds + this.policy.accessTokenTtlSeconds, request.notAfter ?? Infinity);
    const lifespan = exp - nowSeconds;
    const claims: Record<string, unknown> = {
      // Extra claims first: they can never overwrite a registered claim.
      ...request.extra,
      iss: this.server.issuer,
      sub: request.subject,
      aud: this.scopes.audiences(request.client, request.scopes),
      client_id: request.client.id,
      iat: nowSeconds,
      exp,
      jti,
      scope: request.scopes.join(' '),
    };
    if (request.dpopJkt !== undefined) claims.cnf = { jkt: request.dpopJkt };
    return { token: await this.signer.sign('access-token', claims, 'at+jwt'), jti, expiresIn: lifespan, expiresAt: exp, claims };
  }
}
