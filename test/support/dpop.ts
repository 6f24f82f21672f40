import { KeyObject, constants, createHash, generateKeyPairSync, randomUUID, sign } from 'node:crypto';

/**
 * Hand-made DPoP proofs (RFC 9449 §4.2) for the tests: a proof is built field by field, so that
 * each rejection rule can be tested with a proof that breaks exactly that rule.
 */

export type DpopAlgorithm = 'ES256' | 'ES384' | 'PS256' | 'RS256' | 'EdDSA' | 'Ed25519';

export interface DpopKey {
  alg: DpopAlgorithm;
  privateKey: KeyObject;
  /** The public JWK, as a proof carries it. */
  jwk: Record<string, string>;
  /** Its RFC 7638 thumbprint (what `cnf.jkt` and `dpop_jkt` carry). */
  jkt: string;
}

export function dpopKey(alg: DpopAlgorithm = 'ES256'): DpopKey {
  const { privateKey, publicKey } =
    alg === 'ES256' ? generateKeyPairSync('ec', { namedCurve: 'P-256' })
      : alg === 'ES384' ? generateKeyPairSync('ec', { namedCurve: 'P-384' })
        : alg === 'PS256' || alg === 'RS256' ? generateKeyPairSync('rsa', { modulusLength: 2048 })
          : generateKeyPairSync('ed25519');
  const jwk = publicKey.export({ format: 'jwk' }) as Record<string, string>;
  return { alg, privateKey, jwk, jkt: thumbprint(jwk) };
}

/** RFC 7638, written independently of the server's implementation. */
export function thumbprint(jwk: Record<string, string>): string {
  const members = jwk.kty === 'EC' ? ['crv', 'kty', 'x', 'y'] : jwk.kty === 'RSA' ? ['e', 'kty', 'n'] : ['crv', 'kty', 'x'];
  const canonical = `{${members.map((m) => `"${m}":"${jwk[m]}"`).join(',')}}`;
  return createHash('sha256').update(canonical).digest('base64url');
}

export interface ProofOptions {
  htm?: string;
  htu: string;
  /** Seconds since the epoch; default now. */
  iat?: number;
  jti?: string;
  /** The access token the proof is for (its hash becomes `ath`). */
  accessToken?: string;
  nonce?: string;
  /** Header members replacing the defaults (`typ`, `alg`, `jwk`); `undefined` removes one. */
  header?: Record<string, unknown>;
  /** Claims replacing the defaults; `undefined` removes one. */
  claims?: Record<string, unknown>;
  /** Sign with this key instead (a signature that does not match the jwk). */
  signWith?: KeyObject;
}

const b64json = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

export function dpopProof(key: DpopKey, options: ProofOptions): string {
  const header = dropUndefined({ typ: 'dpop+jwt', alg: key.alg, jwk: key.jwk, ...options.header });
  const claims = dropUndefined({
    jti: options.jti ?? randomUUID(),
    htm: options.htm ?? 'POST',
    htu: options.htu,
    iat: options.iat ?? Math.floor(Date.now() / 1000),
    ...(options.accessToken === undefined ? {} : { ath: createHash('sha256').update(options.accessToken).digest('base64url') }),
    ...(options.nonce === undefined ? {} : { nonce: options.nonce }),
    ...options.claims,
  });
  const input = `${b64json(header)}.${b64json(claims)}`;
  return `${input}.${signature(key.alg, options.signWith ?? key.privateKey, input)}`;
}

function signature(alg: DpopAlgorithm, privateKey: KeyObject, input: string): string {
  const data = Buffer.from(input);
  switch (alg) {
    case 'ES256':
      return sign('sha256', data, { key: privateKey, dsaEncoding: 'ieee-p1363' }).toString('base64url');
    case 'ES384':
      return sign('sha384', data, { key: privateKey, dsaEncoding: 'ieee-p1363' }).toString('base64url');
    case 'PS256':
      return sign('sha256', data, { key: privateKey, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 }).toString('base64url');
    case 'RS256':
      return sign('sha256', data, privateKey).toString('base64url');
    case 'EdDSA':
    case 'Ed25519':
      return sign(null, data, privateKey).toString('base64url');
  }
}

function dropUndefined(o: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined));
}

/** The claims of a JWT, unverified (for assertions on tokens the server issued). */
export function jwtClaims(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8')) as Record<string, unknown>;
}
