import { KeyObject, VerifyKeyObjectInput, constants } from 'node:crypto';

/**
 * The JWS algorithms a DPoP proof may be signed with (RFC 9449 §4.3: asymmetric only, never
 * `none` nor a MAC), advertised as `dpop_signing_alg_values_supported`. `Ed25519` is the fully
 * specified name of EdDSA over Ed25519 (RFC 9864) that openid-client v6 signs with.
 */
export const DPOP_SIGNING_ALGORITHMS = [
  'ES256', 'ES384', 'ES512', 'PS256', 'PS384', 'PS512', 'RS256', 'RS384', 'RS512', 'EdDSA', 'Ed25519',
] as const;

interface DpopAlgorithm {
  /** The JWK key type (`kty`) the algorithm needs. */
  kty: 'EC' | 'RSA' | 'OKP';
  /** The curves (`crv`) it accepts, for EC and OKP keys. */
  curves?: readonly string[];
  /** The digest of crypto.verify (`null`: the algorithm hashes itself, EdDSA). */
  digest: string | null;
  /** How the key is handed to crypto.verify. */
  input?: (key: KeyObject) => VerifyKeyObjectInput;
}

/** JWS ECDSA signatures are r||s (IEEE P1363), not DER. */
const ecdsa = (key: KeyObject): VerifyKeyObjectInput => ({ key, dsaEncoding: 'ieee-p1363' });
/** RSASSA-PSS with MGF1 over the same hash and a salt as long as the hash (RFC 7518 §3.5). */
const pss = (key: KeyObject): VerifyKeyObjectInput => ({ key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: constants.RSA_PSS_SALTLEN_DIGEST });

const ALGORITHMS: Readonly<Record<string, DpopAlgorithm>> = {
  ES256: { kty: 'EC', curves: ['P-256'], digest: 'sha256', input: ecdsa },
  ES384: { kty: 'EC', curves: ['P-384'], digest: 'sha384', input: ecdsa },
  ES512: { kty: 'EC', curves: ['P-521'], digest: 'sha512', input: ecdsa },
  PS256: { kty: 'RSA', digest: 'sha256', input: pss },
  PS384: { kty: 'RSA', digest: 'sha384', input: pss },
  PS512: { kty: 'RSA', digest: 'sha512', input: pss },
  RS256: { kty: 'RSA', digest: 'sha256' },
  RS384: { kty: 'RSA', digest: 'sha384' },
  RS512: { kty: 'RSA', digest: 'sha512' },
  EdDSA: { kty: 'OKP', curves: ['Ed25519', 'Ed448'], digest: null },
  Ed25519: { kty: 'OKP', curves: ['Ed25519'], digest: null },
};

/** RSA moduli accepted, in bits: below 2048 is weak (RFC 7518 §3.3); the ceiling bounds the work of one proof. */
const MIN_RSA_BITS = 2048;
const MAX_RSA_BITS = 8192;
/**
 * The largest RSA public exponent accepted, in bits (BoringSSL's limit; every key library
 * generates 65537, 17 bits). Verifying costs one modular exponentiation by `e`: OpenSSL refuses
 * an exponent over 64 bits only for moduli over 3072 bits, and a 3072-bit exponent would make
 * one forged proof cost ~7 ms of CPU, about 80 ES256 verifications.
 */
const MAX_RSA_EXPONENT_BITS = 33;

/** An allowed algorithm, or `undefined` (the header's `alg` as sent is never trusted further). */
export function dpopAlgorithm(alg: unknown): DpopAlgorithm | undefined {
  return typeof alg === 'string' && Object.hasOwn(ALGORITHMS, alg) ? ALGORITHMS[alg] : undefined;
}

/**
 * Why `jwk` (a public key, its private members already refused) cannot verify `algorithm`, or
 * `undefined`: the key type and curve the algorithm names; for RSA, `n` and `e` written with no
 * leading zero octet (RFC 7518 §6.3.1), a modulus of 2048 to 8192 bits (counted from its first
 * significant bit, so zero octets cannot pass off a short modulus as a long one) and an odd
 * exponent of 3 to {@link MAX_RSA_EXPONENT_BITS} bits.
 */
export function keyMismatch(algorithm: DpopAlgorithm, jwk: Readonly<Record<string, unknown>>): string | undefined {
  if (jwk.kty !== algorithm.kty) return `the jwk is not a ${algorithm.kty} key`;
  if (algorithm.curves && !algorithm.curves.includes(jwk.crv as string)) return `the jwk's curve is not ${algorithm.curves.join(' or ')}`;
  if (algorithm.kty === 'RSA') {
    const n = unsignedInteger(jwk.n);
    const e = unsignedInteger(jwk.e);
    if (!n || !e) return 'the RSA n and e must be base64url unsigned integers without leading zero octets';
    if (n.bits < MIN_RSA_BITS || n.bits > MAX_RSA_BITS) return `the RSA modulus must have ${MIN_RSA_BITS} to ${MAX_RSA_BITS} bits`;
    if (e.bits > MAX_RSA_EXPONENT_BITS || !e.odd || e.bits < 2) return `the RSA public exponent must be odd, at least 3 and at most ${MAX_RSA_EXPONENT_BITS} bits long`;
  }
  return undefined;
}

/** A JWK Base64urlUInt (RFC 7518 §2): its length in bits and parity, or `undefined` if malformed or not minimal. */
function unsignedInteger(value: unknown): { bits: number; odd: boolean } | undefined {
  if (typeof value !== 'string' || !/^[A-Za-z0-9_-]+$/.test(value)) return undefined;
  const bytes = Buffer.from(value, 'base64url');
  if (bytes.length === 0 || bytes[0] === 0) return undefined;
  return { bits: (bytes.length - 1) * 8 + (32 - Math.clz32(bytes[0])), odd: (bytes[bytes.length - 1] & 1) === 1 };
}

/** Members that only a private or symmetric JWK has (RFC 7518 §6): a proof carries a public key only. */
export const PRIVATE_JWK_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k', 'priv'] as const;
