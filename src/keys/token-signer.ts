import { Inject, Injectable } from '@nestjs/common';
import { KeyObject, SignKeyObjectInput, sign as cryptoSign, verify as cryptoVerify } from 'node:crypto';
import { ActiveKeys } from './active-keys.js';
import { KeyPurpose, SigningKey } from './signing-keys.js';

export type JwtClaims = Record<string, unknown>;

/** The keys a signer needs: the active key per purpose and any published key by `kid`. */
export interface KeyLookup {
  active(purpose: KeyPurpose): SigningKey;
  find(kid: string): SigningKey | undefined;
}

/**
 * Signs and verifies this server's JWTs with `node:crypto` and keys imported once as
 * `KeyObject`s. Measured on the 2-core CI machine (ES256, one token): bare `crypto.sign`
 * ~29 µs, `@nestjs/jwt`'s JwtService with a KeyObject ~33 µs, jose's WebCrypto path ~208 µs,
 * JwtService with PEM text (re-parsed per call) ~370 µs. In the whole server under the
 * client-credentials benchmark, JwtService cost ~10 µs more CPU per request than `crypto.sign`
 * (~9% of the request), and jsonwebtoken has no EdDSA at all — so every algorithm goes through
 * `crypto.sign`, with the protected header encoded once per key and `typ`. The choice stays
 * inside this class.
 */
@Injectable()
export class TokenSigner {
  private readonly headers = new Map<string, string>();

  /** `keys` is the keys slice ({@link ActiveKeys}: rotated by a reload) or, in tests, a `SigningKeys`. */
  constructor(@Inject(ActiveKeys) private readonly keys: KeyLookup) {}

  /**
   * Signs `claims` with the active key of `purpose`; `typ` is `at+jwt` for access tokens
   * (RFC 9068). The signature is computed by `crypto.sign`'s callback form, on libuv's thread
   * pool: the event loop keeps parsing and answering requests while another core signs.
   */
  sign(purpose: KeyPurpose, claims: JwtClaims, typ: string): Promise<string> {
    const key = this.keys.active(purpose);
    const input = `${this.encodedHeader(key, typ)}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}`;
    return new Promise((resolve, reject) => {
      cryptoSign(digestOf(key), Buffer.from(input), keyInput(key, key.privateKey), (error, signature) => {
        if (error) reject(error);
        else resolve(`${input}.${signature.toString('base64url')}`);
      });
    });
  }

  /**
   * Verifies one of this server's JWTs: a known `kid` of `purpose`, its algorithm, the
   * signature, `typ` and expiry. Returns the claims, or `undefined` for anything else.
   */
  verify(token: string, purpose: KeyPurpose, typ: string, nowSeconds = Math.floor(Date.now() / 1000)): JwtClaims | undefined {
    const claims = this.verifySignature(token, purpose, typ);
    if (!claims || typeof claims.exp !== 'number' || claims.exp <= nowSeconds) return undefined;
    return claims;
  }

  /**
   * What {@link verify} checks but the expiry: a known `kid` of `purpose`, its algorithm, the
   * signature and `typ`. For the one use of an expired token, an `id_token_hint` (OIDC Core
   * §3.1.2.1, RP-Initiated Logout §2): the caller checks the claims it relies on.
   */
  verifySignature(token: string, purpose: KeyPurpose, typ: string): JwtClaims | undefined {
    const parts = token.split('.');
    if (parts.length !== 3) return undefined;
    const header = parseJsonObject(parts[0]);
    const claims = parseJsonObject(parts[1]);
    if (!header || !claims) return undefined;
    if (typeof header.kid !== 'string' || header.typ !== typ) return undefined;
    const key = this.keys.find(header.kid);
    if (!key || key.purpose !== purpose || header.alg !== key.algorithm) return undefined;
    const ok = cryptoVerify(digestOf(key), Buffer.from(`${parts[0]}.${parts[1]}`), keyInput(key, key.publicKey), Buffer.from(parts[2], 'base64url'));
    return ok ? claims : undefined;
  }

  private encodedHeader(key: SigningKey, typ: string): string {
    // Keyed by kid and typ: a reload that changes a key under the same kid would be a
    // misconfiguration, but the header holds only alg, typ and kid, so it would stay correct.
    const cacheKey = `${key.id}\0${key.algorithm}\0${typ}`;
    let encoded = this.headers.get(cacheKey);
    if (encoded === undefined) {
      encoded = Buffer.from(JSON.stringify({ alg: key.algorithm, typ, kid: key.id })).toString('base64url');
      this.headers.set(cacheKey, encoded);
    }
    return encoded;
  }
}

/** ES256 and RS256 hash with SHA-256; Ed25519 hashes internally (`null`). */
function digestOf(key: SigningKey): string | null {
  return key.algorithm === 'EdDSA' ? null : 'sha256';
}

/** JWS ES256 signatures are the raw r||s pair (IEEE P1363), not DER. */
function keyInput(key: SigningKey, keyObject: KeyObject): KeyObject | SignKeyObjectInput {
  return key.algorithm === 'ES256' ? { key: keyObject, dsaEncoding: 'ieee-p1363' } : keyObject;
}
function parseJsonObject(segment: string): JwtClaims | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? value as JwtClaims : undefined;
  } catch {
    return undefined;
  }
}
