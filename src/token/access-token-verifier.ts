import { Inject, Injectable } from '@nestjs/common';
import { Clients } from '../clients/clients.js';
import { TokenSigner } from '../keys/token-signer.js';
import { ServerSettings } from '../live-config/configuration-snapshot.js';
import { REVOCATION_STORE } from '../store/revocation-store.js';
import type { RevocationStore } from '../store/revocation-store.js';

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
  /** RFC 9449 §6.1: a DPoP-bound token names its key's thumbprint. */
  cnf?: { jkt: string };
  [claim: string]: unknown;
}

/**
 * Validates this server's access tokens as introspection, revocation and UserInfo need it:
 * signature by a published access-token key, `typ: at+jwt`, issuer, expiry, string `sub` and `scope`, a client that is
 * still registered (a client removed by a reload loses its tokens at once), and — for an active
 * token — that neither the token (`jti`) nor its grant (`gid`) has been revoked.
 */
@Injectable()
export class AccessTokenVerifier {
  constructor(
    private readonly server: ServerSettings,
    private readonly signer: TokenSigner,
    private readonly clients: Clients,
    @Inject(REVOCATION_STORE) private readonly revocations: RevocationStore,
  ) {}

  /** The claims of a valid, unexpired access token of this issuer (revocation not checked). */
  decode(token: string): AccessTokenClaims | undefined {
    if (token.length > 8192) return undefined;
    const claims = this.signer.verify(token, 'access-token', 'at+jwt') as AccessTokenClaims | undefined;
    if (!claims || claims.iss !== this.server.issuer || typeof claims.jti !== 'string' || typeof claims.client_id !== 'string') return undefined;
    // A token an extension signed by hand with the server's key is an access token only with the
    // claims the core reads.
    if (typeof claims.sub !== 'string' || typeof claims.scope !== 'string') return undefined;
    if (claims.gid !== undefined && typeof claims.gid !== 'string') return undefined;
    if (claims.cnf !== undefined && typeof claims.cnf?.jkt !== 'string') return undefined;
    if (!this.clients.find(claims.client_id)) return undefined;
    return claims;
  }

  /** The claims of an active access token: valid, unexpired and not revoked. */
  async verifyActive(token: string): Promise<AccessTokenClaims | undefined> {
    const claims = this.decode(token);
    if (!claims) return undefined;
    if (await this.revocations.isAccessTokenRevoked(claims.jti, claims.gid)) return undefined;
    return claims;
  }
}
