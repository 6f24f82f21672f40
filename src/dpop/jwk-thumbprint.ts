import { createHash } from 'node:crypto';

/** The members of each key type that a thumbprint covers, in lexicographic order (RFC 7638 §3.2). */
const REQUIRED_MEMBERS: Readonly<Record<string, readonly string[]>> = {
  EC: ['crv', 'kty', 'x', 'y'],
  OKP: ['crv', 'kty', 'x'],
  RSA: ['e', 'kty', 'n'],
};

/**
 * The RFC 7638 SHA-256 thumbprint of a public JWK, base64url (what `cnf.jkt` and `dpop_jkt`
 * carry), or `undefined` when a required member is missing or not a string. The required members
 * are written in lexicographic order without white space; they determine the key, so two JWKs
 * with one thumbprint are the same key (whatever optional members they carry).
 *
 * node:crypto rather than jose's `calculateJwkThumbprint`: measured in
 * `bench/dpop-jwk-micro.mjs` (see docs/dpop.md), jose's goes through WebCrypto's async digest
 * and costs several times more CPU per call for the same bytes.
 */
export function jwkThumbprint(jwk: Readonly<Record<string, unknown>>): string | undefined {
  const members = typeof jwk.kty === 'string' ? REQUIRED_MEMBERS[jwk.kty] : undefined;
  if (members === undefined) return undefined;
  const required: Record<string, string> = {};
  for (const name of members) {
    const value = jwk[name];
    if (typeof value !== 'string' || value === '') return undefined;
    required[name] = value;
  }
  return createHash('sha256').update(JSON.stringify(required)).digest('base64url');
}

/** The members {@link jwkThumbprint} covers, for importing exactly the key the thumbprint names. */
export function requiredJwkMembers(jwk: Readonly<Record<string, unknown>>): Record<string, string> {
  return Object.fromEntries((REQUIRED_MEMBERS[jwk.kty as string] ?? []).map((name) => [name, jwk[name] as string]));
}
