import { Inject, Injectable } from '@nestjs/common';
import { LoadedConfiguration } from '../config/load-configuration.js';
import { TokenSigner } from '../keys/token-signer.js';
import { AUTHORIZATION_STORE } from '../store/authorization-store.js';
import type { AuthorizationStore } from '../store/authorization-store.js';

export interface AccessTokenClaims {
  iss: string;
  sub: string;
  aud: string | string[];
  client_id: string;
  iat: number;
  exp: number;
  jti: string;
  scope: string;
  gid?: string;
  [claim: string]: unknown;
}

/**
 * Validates this server's access tokens as introspection, revocation and UserInfo need it:
 * signature by a published access-token key, `typ: at+jwt`, issuer, expiry, and — unless asked
 * not to — that neither the token (`jti`) nor its grant (`gid`) has been revoked.
 */
@Injectable()
export class AccessTokenVerifier {
  private readonly issuer: string;

  constructor(
    @Inject(LoadedConfiguration) configuration: LoadedConfiguration,
    private readonly signer: TokenSigner,
    @Inject(AUTHORIZATION_STORE) private readonly store: AuthorizationStore,
  ) {
    this.issuer = configuration.issuer;
  }

  /** The claims of a valid, unexpired access token of this issuer (revocation not checked). */
  decode(token: string): AccessTokenClaims | undefined {
    if (token.length > 8192) return undefined;
    const claims = this.signer.verify(token, 'access-token', 'at+jwt') as AccessTokenClaims | undefined;
    if (!claims || claims.iss !== this.issuer || typeof claims.jti !== 'string' || typeof claims.client_id !== 'string') return undefined;
    return claims;
  }

  /** The claims of an active access token: valid, unexpired and not revoked. */
  async verifyActive(token: string): Promise<AccessTokenClaims | undefined> {
    const claims = this.decode(token);
    if (!claims) return undefined;
    if (await this.store.isAccessTokenRevoked(claims.jti, typeof claims.gid === 'string' ? claims.gid : undefined)) return undefined;
    return claims;
  }
}
