import { Injectable } from '@nestjs/common';
import { createHash } from 'node:crypto';
import { Client } from '../clients/client.js';
import { ActiveKeys } from '../keys/active-keys.js';
import { TokenSigner } from '../keys/token-signer.js';
import { ServerSettings } from '../live-config/configuration-snapshot.js';
import { claimsForScopes } from '../users/claims-by-scope.js';
import { User } from '../users/user-directory.js';
import { TokenPolicy } from './token-policy.js';

export interface IdTokenRequest {
  client: Client;
  user: User;
  scopes: readonly string[];
  authTime: number;
  nonce?: string;
  accessToken: string;
}

/**
 * ID tokens (OIDC Core §2): `iss`, `sub`, `aud` = client id, `iat`, `exp`, `auth_time`, `nonce`
 * when sent, `at_hash`, and the claims released by the granted scopes; signed with the ID-token
 * key, distinct from the access-token key. They live as long as access tokens.
 */
@Injectable()
export class IdTokenIssuer {
  constructor(
    private readonly server: ServerSettings,
    private readonly signer: TokenSigner,
    private readonly keys: ActiveKeys,
    private readonly policy: TokenPolicy,
  ) {}

  issue(request: IdTokenRequest, nowSeconds = Math.floor(Date.now() / 1000)): Promise<string> {
    const claims: Record<string, unknown> = {
      ...claimsForScopes(request.user.claims, request.scopes),
      iss: this.server.issuer,
      sub: request.user.id,
      aud: request.client.id,
      iat: nowSeconds,
      exp: nowSeconds + this.policy.accessTokenTtlSeconds,
      auth_time: request.authTime,
      at_hash: this.atHash(request.accessToken),
    };
    if (request.nonce !== undefined) claims.nonce = request.nonce;
    return this.signer.sign('id-token', claims, 'JWT');
  }

  /** Left half of the hash of the access token (OIDC Core §3.1.3.6); SHA-512 for Ed25519. */
  private atHash(accessToken: string): string {
    const algorithm = this.keys.active('id-token').algorithm === 'EdDSA' ? 'sha512' : 'sha256';
    const digest = createHash(algorithm).update(accessToken, 'ascii').digest();
    return digest.subarray(0, digest.length / 2).toString('base64url');
  }
}
