import { Inject, Injectable } from '@nestjs/common';
import { Client } from '../clients/client.js';
import { randomToken } from '../common/secure-tokens.js';
import { LoadedConfiguration } from '../config/load-configuration.js';
import { TokenSigner } from '../keys/token-signer.js';
import { ScopeRegistry } from '../scopes/scope-registry.js';
import { tokenAudiences } from '../scopes/scope-policy.js';

export interface AccessTokenRequest {
  client: Client;
  /** The user id, or the client id for client credentials. */
  subject: string;
  scopes: readonly string[];
  /** Extra private claims (e.g. the refresh-token family an access token belongs to). */
  extra?: Record<string, unknown>;
}

export interface IssuedAccessToken {
  token: string;
  jti: string;
  expiresIn: number;
  expiresAt: number;
  claims: Record<string, unknown>;
}

/** Mints RFC 9068 access tokens (`typ: at+jwt`) signed with the active access-token key. */
@Injectable()
export class AccessTokenIssuer {
  private readonly issuer: string;
  private readonly lifespanSeconds: number;

  constructor(
    @Inject(LoadedConfiguration) configuration: LoadedConfiguration,
    private readonly signer: TokenSigner,
    private readonly scopes: ScopeRegistry,
  ) {
    this.issuer = configuration.issuer;
    this.lifespanSeconds = Math.max(1, Math.floor(configuration.parsed.token.accessTokenMs / 1000));
  }

  async issue(request: AccessTokenRequest, nowSeconds = Math.floor(Date.now() / 1000)): Promise<IssuedAccessToken> {
    const jti = randomToken(16);
    const exp = nowSeconds + this.lifespanSeconds;
    const claims: Record<string, unknown> = {
      // Extra claims first: they can never overwrite a registered claim.
      ...request.extra,
      iss: this.issuer,
      sub: request.subject,
      aud: tokenAudiences(this.scopes, request.client, request.scopes),
      client_id: request.client.id,
      iat: nowSeconds,
      exp,
      jti,
      scope: request.scopes.join(' '),
    };
    return { token: await this.signer.sign('access-token', claims, 'at+jwt'), jti, expiresIn: this.lifespanSeconds, expiresAt: exp, claims };
  }
}
