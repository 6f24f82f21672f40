import { Inject, Injectable } from '@nestjs/common';
import { KeyObject, createHash, createPublicKey, verify as cryptoVerify } from 'node:crypto';
import { REPLAY_CACHE } from '../store/replay-cache.js';
import type { ReplayCache } from '../store/replay-cache.js';
import { PRIVATE_JWK_MEMBERS, dpopAlgorithm, keyMismatch } from './dpop-algorithms.js';
import { DpopNonces } from './dpop-nonces.js';
import { DPOP_JTI_TTL_MS, DPOP_PROOF_CLOCK_SKEW_SECONDS, DPOP_PROOF_MAX_AGE_SECONDS, DpopPolicy } from './dpop-policy.js';
import { jwkThumbprint, requiredJwkMembers } from './jwk-thumbprint.js';

/** A proof is one compact JWS: three base64url segments (a repeated header, joined by a comma, is not). */
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+$/;
/** Longer than any honest proof (an RSA-8192 jwk fits in ~2 KiB). */
const MAX_PROOF_LENGTH = 8192;
const MAX_JTI_LENGTH = 256;
/** Verified proof headers kept (each at most {@link MAX_PROOF_LENGTH} characters): about one per client key. */
const HEADER_CACHE_SIZE = 1000;

/** Why a proof was refused: `invalid_dpop_proof`, or `use_dpop_nonce` with the nonce to use. */
export class DpopProofError extends Error {
  constructor(
    readonly error: 'invalid_dpop_proof' | 'use_dpop_nonce',
    readonly description: string,
    /** For `use_dpop_nonce`: the nonce the client must put in its next proof. */
    readonly nonce?: string,
  ) {
    super(`${error}: ${description}`);
    this.name = 'DpopProofError';
  }
}

/** What a request must prove. */
export interface DpopProofCheck {
  /** The `DPoP` request header(s), as received. */
  header: string | string[] | undefined;
  /** The request's method, for `htm`. */
  method: string;
  /** The endpoint's public URL (scheme, host, path: no query, no fragment), for `htu`. */
  url: string;
  /** At a protected resource: the access token presented, for `ath`. */
  accessToken?: string;
}

/** A proof that passed every check (and will never pass again). */
export interface VerifiedDpopProof {
  /** The RFC 7638 thumbprint of the proof's key: what `cnf.jkt` and `dpop_jkt` carry. */
  jkt: string;
}

/** A proof's protected header, checked: its algorithm, its key's thumbprint and the key itself. */
interface CheckedHeader {
  algorithm: NonNullable<ReturnType<typeof dpopAlgorithm>>;
  jkt: string;
  jwk: Record<string, unknown>;
}

/** A header whose proof verified, with its key imported. */
interface ProofKey {
  algorithm: CheckedHeader['algorithm'];
  jkt: string;
  key: KeyObject;
}

/**
 * Checks a DPoP proof as RFC 9449 §4.3 lists it, cheapest first, so that a request failing a
 * cheap check costs no signature verification and no store write: one well-formed JWT; `typ:
 * dpop+jwt`; an `alg` of {@link DPOP_SIGNING_ALGORITHMS}; a public `jwk` only, of the type and
 * curve the `alg` names; `jti`, `htm` (the request's method), `htu` (the endpoint's URL, compared
 * after normalisation, without query or fragment), `iat` within the window
 * ({@link DPOP_PROOF_MAX_AGE_SECONDS} back, {@link DPOP_PROOF_CLOCK_SKEW_SECONDS} ahead); `ath`
 * at a protected resource; the server nonce when `token.dpop-nonce` is on; the signature; and
 * last the `jti`, remembered in the shared replay cache for the whole window (keyed with the
 * key's thumbprint), so a proof is accepted once on any replica.
 *
 * Keys are imported with node:crypto (`createPublicKey`) and the signature verified with
 * `crypto.verify` on libuv's thread pool, as the server's own signatures are made. A client signs
 * every proof with one key, so its proofs share one protected header: a header that verified
 * once is kept (the last 1000, by its encoded text) with its algorithm, thumbprint and imported
 * key, and the next proofs skip decoding, checking and importing it. Only headers of proofs whose
 * signature verified are kept (a forged proof adds nothing); a client whose header was pushed out
 * by newer ones pays the import once more. jose was measured slower on this path
 * (bench/dpop-jwk-micro.mjs, figures in docs/dpop.md).
 */
@Injectable()
export class DpopProofVerifier {
  private readonly verifiedHeaders = new Map<string, ProofKey>();
  /** The clock, in ms (tests replace it). */
  now: () => number = Date.now;

  constructor(
    @Inject(REPLAY_CACHE) private readonly replay: ReplayCache,
    private readonly policy: DpopPolicy,
    private readonly nonces: DpopNonces,
  ) {}

  async verify(check: DpopProofCheck): Promise<VerifiedDpopProof> {
    const proof = onlyProof(check.header);
    const [headerPart, payloadPart, signaturePart] = proof.split('.');
    const header: ProofKey | CheckedHeader = this.verifiedHeaders.get(headerPart) ?? checkHeader(headerPart);
    const claims = jsonObject(payloadPart);
    if (!claims) throw invalid('the DPoP proof is not a JWT');
    this.checkClaims(claims, check);

    const proofKey = 'key' in header ? header : { algorithm: header.algorithm, jkt: header.jkt, key: importKey(header.jwk) };
    const { algorithm, key, jkt } = proofKey;
    const signed = Buffer.from(proof.slice(0, headerPart.length + 1 + payloadPart.length));
    const signature = Buffer.from(signaturePart, 'base64url');
    const valid = await new Promise<boolean>((resolve) => {
      cryptoVerify(algorithm.digest, signed, algorithm.input ? algorithm.input(key) : key, signature, (error, ok) => resolve(!error && ok));
    });
    if (!valid) throw invalid('the DPoP proof\'s signature does not verify with its jwk');
    if (proofKey !== header) this.remember(headerPart, proofKey);

    // 128 bits of SHA-256(jkt.jti): unique among live proofs, and short in the store.
    const replayId = `dpop:${createHash('sha256').update(`${jkt}.${claims.jti as string}`).digest().toString('base64url', 0, 16)}`;
    if (!(await this.replay.rememberOnce(replayId, DPOP_JTI_TTL_MS))) throw invalid('the DPoP proof was already used (its jti was seen before)');
    return { jkt };
  }

  /** Keeps a header whose proof verified; when full, forgets the one kept longest ago. */
  private remember(headerPart: string, proofKey: ProofKey): void {
    if (this.verifiedHeaders.size >= HEADER_CACHE_SIZE) this.verifiedHeaders.delete(this.verifiedHeaders.keys().next().value!);
    this.verifiedHeaders.set(headerPart, proofKey);
  }

  private checkClaims(claims: Record<string, unknown>, check: DpopProofCheck): void {
    const { jti, htm, htu, iat } = claims;
    if (typeof jti !== 'string' || jti.length === 0 || jti.length > MAX_JTI_LENGTH) throw invalid(`the DPoP proof must have a jti of 1 to ${MAX_JTI_LENGTH} characters`);
    if (htm !== check.method) throw invalid(`the DPoP proof's htm must be ${check.method}`);
    if (typeof htu !== 'string' || (htu !== check.url && normalizedUrl(htu) !== normalizedUrl(check.url))) {
      throw invalid(`the DPoP proof's htu must be ${check.url}`);
    }
    if (typeof iat !== 'number' || !Number.isFinite(iat)) throw invalid('the DPoP proof must have a numeric iat');
    const nowSeconds = this.now() / 1000;
    if (iat < nowSeconds - DPOP_PROOF_MAX_AGE_SECONDS || iat > nowSeconds + DPOP_PROOF_CLOCK_SKEW_SECONDS) {
      throw invalid(`the DPoP proof's iat is outside the accepted window (${DPOP_PROOF_MAX_AGE_SECONDS} s back, ${DPOP_PROOF_CLOCK_SKEW_SECONDS} s ahead)`);
    }
    if (check.accessToken !== undefined && claims.ath !== createHash('sha256').update(check.accessToken).digest('base64url')) {
      throw invalid('the DPoP proof\'s ath must be the SHA-256 hash of the access token');
    }
    if (this.policy.noncesRequired && !this.nonces.accepts(claims.nonce)) {
      throw new DpopProofError('use_dpop_nonce', claims.nonce === undefined
        ? 'the DPoP proof must carry the nonce given in the DPoP-Nonce header'
        : 'the DPoP proof\'s nonce is not valid (any more): use the one given in the DPoP-Nonce header', this.nonces.current());
    }
  }
}

/** `typ`, `alg` and `jwk` of a header not seen verified before. */
function checkHeader(headerPart: string): CheckedHeader {
  const header = jsonObject(headerPart);
  if (!header) throw invalid('the DPoP proof is not a JWT');
  if (header.typ !== 'dpop+jwt') throw invalid('the DPoP proof must have typ dpop+jwt');
  const algorithm = dpopAlgorithm(header.alg);
  if (!algorithm) throw invalid(`the DPoP proof's alg must be one of the asymmetric algorithms of dpop_signing_alg_values_supported`);
  const jwk = header.jwk;
  if (typeof jwk !== 'object' || jwk === null || Array.isArray(jwk)) throw invalid('the DPoP proof must carry its public key as a jwk header');
  const members = jwk as Record<string, unknown>;
  if (PRIVATE_JWK_MEMBERS.some((member) => member in members)) throw invalid('the DPoP proof\'s jwk must be a public key (it carries private members)');
  const mismatch = keyMismatch(algorithm, members);
  if (mismatch) throw invalid(`the DPoP proof's key does not match its alg: ${mismatch}`);
  const jkt = jwkThumbprint(members);
  if (!jkt) throw invalid('the DPoP proof\'s jwk lacks a required member');
  return { algorithm, jkt, jwk: members };
}

/** The public key of a checked jwk (exactly the members its thumbprint covers). */
function importKey(jwk: Record<string, unknown>): KeyObject {
  try {
    return createPublicKey({ key: requiredJwkMembers(jwk), format: 'jwk' });
  } catch {
    throw invalid('the DPoP proof\'s jwk is not a valid public key');
  }
}

function invalid(description: string): DpopProofError {
  return new DpopProofError('invalid_dpop_proof', description);
}

/** The one proof of the request (RFC 9449 §4.3: not more than one `DPoP` header). */
function onlyProof(header: string | string[] | undefined): string {
  if (header === undefined || header === '') throw invalid('a DPoP proof is required (DPoP header)');
  if (Array.isArray(header)) throw invalid('the request must carry one DPoP header');
  if (header.length > MAX_PROOF_LENGTH) throw invalid('the DPoP proof is too long');
  if (!COMPACT_JWS.test(header)) throw invalid('the DPoP header must carry exactly one proof, a compact JWT');
  return header;
}

function jsonObject(segment: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(Buffer.from(segment, 'base64url').toString('utf8'));
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? value as Record<string, unknown> : undefined;
  } catch {
    return undefined;
  }
}

/**
 * `htu` compared as RFC 9449 §4.3 asks: scheme and host case-insensitively, the default port
 * implied, without query and fragment (RFC 3986 §6.2.2 and §6.2.3, as the WHATWG URL parser
 * normalises them); anything that is not an absolute http(s) URL matches nothing.
 */
function normalizedUrl(url: string): string | undefined {
  try {
    const parsed = new URL(url);
    if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return undefined;
    return `${parsed.origin}${parsed.pathname}`;
  } catch {
    return undefined;
  }
}
