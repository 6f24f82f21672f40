import { Injectable } from '@nestjs/common';
import type { Client } from '../clients/client.js';
import type { TokenSettings } from '../config/parse-configuration.js';
import { LiveConfiguration } from '../live-config/live-configuration.js';

/** How old a proof's `iat` may be, in seconds (RFC 9449 §11.1: a short window). */
export const DPOP_PROOF_MAX_AGE_SECONDS = 60;
/** How far in the future a proof's `iat` may be: the client's clock may run ahead of ours. */
export const DPOP_PROOF_CLOCK_SKEW_SECONDS = 10;
/**
 * How long a proof's `jti` is remembered: as long as a proof with that `iat` can be accepted
 * anywhere (the whole window), plus a second for rounding.
 */
export const DPOP_JTI_TTL_MS = (DPOP_PROOF_MAX_AGE_SECONDS + DPOP_PROOF_CLOCK_SKEW_SECONDS + 1) * 1000;

/**
 * The DPoP rules of the configuration in force (the token slice, `token.dpop-*`, and each
 * client's `dpop-bound-access-tokens`).
 */
@Injectable()
export class DpopPolicy {
  private readonly settings: () => Readonly<TokenSettings>;

  constructor(live: LiveConfiguration) {
    this.settings = live.select((s) => s.tokens);
  }

  /** Must this client's token requests carry a proof? `token.dpop-required` or its own `dpop-bound-access-tokens`. */
  requiresProof(client: Client): boolean {
    return client.dpopBoundAccessTokens || this.settings().dpopRequired;
  }

  /** `token.dpop-nonce`: proofs must carry a nonce this server issued. */
  get noncesRequired(): boolean {
    return this.settings().dpopNonce;
  }
}
