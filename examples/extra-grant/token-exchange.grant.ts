import { Injectable } from '@nestjs/common';
import {
  AccessTokenIssuer, AccessTokenVerifier, Client, GrantHandler, GrantRequest, OAuthError, Scopes, TokenGrant, TokenResponse, parseScopeParameter,
} from '../../src/index.js';

export const TOKEN_EXCHANGE_GRANT = 'urn:ietf:params:oauth:grant-type:token-exchange';
export const ACCESS_TOKEN_TYPE = 'urn:ietf:params:oauth:token-type:access_token';

/**
 * A deliberately minimal OAuth 2.0 Token Exchange (RFC 8693), as a worked example of adding a
 * grant from a separate module: the token endpoint finds this handler by its
 * {@link TokenGrant} decorator, authenticates the client and checks {@link isAllowedFor} before
 * calling {@link handle}; its controller is not edited.
 *
 * A confidential client (say, an API gateway) presents an access token this server issued
 * (`subject_token`) and receives a new access token for the same subject, for itself, with at
 * most the subject token's scopes, and an `act` claim naming it (RFC 8693 §4.1).
 *
 * The subject token must be **active** (`AccessTokenVerifier.verifyActive`: not revoked, itself or
 * through its grant, and its client still registered), not merely well signed; the new token
 * carries the subject token's grant id (`gid`), so that revoking the grant (a logout, a replayed
 * code, a revoked refresh token) revokes it too, and it expires no later than the subject token
 * (`notAfter`), so that exchanging it again cannot stretch a token's life without end.
 * Not covered: actor tokens, other token types, `resource`/`audience` parameters.
 */
@Injectable()
@TokenGrant(TOKEN_EXCHANGE_GRANT)
export class TokenExchangeGrant implements GrantHandler {
  constructor(
    private readonly verifier: AccessTokenVerifier,
    private readonly scopes: Scopes,
    private readonly accessTokens: AccessTokenIssuer,
  ) {}

  /** The token endpoint answers `invalid_request` for a missing one before calling `handle`. */
  readonly requiredParameters = ['subject_token', 'subject_token_type'] as const;

  /**
   * Clients the operator allowed this grant (`allowed-grant-types: [urn:…:token-exchange]` in the
   * configuration), when they are confidential.
   */
  isAllowedFor(client: Client): boolean {
    return client.isConfidential && client.allowsGrant(TOKEN_EXCHANGE_GRANT);
  }

  async handle({ authenticated, params, dpop }: GrantRequest): Promise<TokenResponse> {
    const subjectToken = params.get('subject_token')!;
    if (params.get('subject_token_type') !== ACCESS_TOKEN_TYPE) {
      throw OAuthError.invalidRequest(`subject_token_type must be ${ACCESS_TOKEN_TYPE}`);
    }
    // RFC 8693 §2.2.2: an invalid subject token is invalid_request. A revoked one is invalid too:
    // a signature check alone would turn a revoked token into a fresh, unrevoked one.
    const subject = await this.verifier.verifyActive(subjectToken);
    if (!subject || typeof subject.sub !== 'string') throw OAuthError.invalidRequest('subject_token is not an active access token');

    const client = authenticated.client;
    const held = parseScopeParameter(typeof subject.scope === 'string' ? subject.scope : '');
    // Absent scope: the subject token's scopes. Either way filtered by the client's allowed-scopes.
    const scopes = this.scopes.grant(client, params.get('scope') ?? held.join(' '));
    if (scopes.some((scope) => !held.includes(scope))) throw OAuthError.invalidScope('the scope may not exceed the subject token\'s');

    // A request with a DPoP proof (required of clients with dpop-bound-access-tokens, or of all with
    // token.dpop-required) gets a token bound to the proof's key, like every built-in grant (RFC 9449 §5).
    // The subject token's grant (`gid`) carries over, and so does its expiry as an upper bound.
    const extra = { act: { sub: client.id }, ...(subject.gid === undefined ? {} : { gid: subject.gid }) };
    const token = await this.accessTokens.issue({ client, subject: subject.sub, scopes, extra, dpopJkt: dpop?.jkt, notAfter: subject.exp });
    return {
      access_token: token.token,
      issued_token_type: ACCESS_TOKEN_TYPE,
      token_type: dpop ? 'DPoP' : 'Bearer',
      expires_in: token.expiresIn,
      scope: scopes.join(' '),
    };
  }
}
