import { Injectable } from '@nestjs/common';
import { Clients } from '../clients/clients.js';
import { TokenSigner } from '../keys/token-signer.js';
import { ServerSettings } from '../live-config/configuration-snapshot.js';
import { MAX_ID_TOKEN_HINT_LENGTH } from './sign-in-decision.js';
import type { IdTokenHint } from './sign-in-decision.js';

/**
 * Verifies an `id_token_hint` (OIDC Core §3.1.2.1, RP-Initiated Logout 1.0 §2): an ID token
 * signed by one of this server's ID-token keys (never an access-token key), issued by this
 * issuer to a client that is still registered, with a `sub`. Its expiry is ignored: the hint
 * names a user, it grants nothing.
 */
@Injectable()
export class IdTokenHints {
  constructor(
    private readonly signer: TokenSigner,
    private readonly server: ServerSettings,
    private readonly clients: Clients,
  ) {}

  verify(hint: string | undefined): IdTokenHint {
    if (hint === undefined) return { kind: 'absent' };
    if (hint.length > MAX_ID_TOKEN_HINT_LENGTH) return { kind: 'invalid' };
    const claims = this.signer.verifySignature(hint, 'id-token', 'JWT');
    if (!claims || claims.iss !== this.server.issuer || typeof claims.sub !== 'string' || claims.sub === '') return { kind: 'invalid' };
    const audience = Array.isArray(claims.aud) && claims.aud.length === 1 ? claims.aud[0] : claims.aud;
    if (typeof audience !== 'string' || !this.clients.find(audience)) return { kind: 'invalid' };
    return { kind: 'valid', sub: claims.sub, clientId: audience };
  }
}
