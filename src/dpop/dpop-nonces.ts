import { Injectable } from '@nestjs/common';
import { createHmac } from 'node:crypto';
import { constantTimeEquals } from '../common/secure-tokens.js';
import { ActiveKeys } from '../keys/active-keys.js';

/** A nonce names a time step of this length; it is accepted during its step and the next. */
export const DPOP_NONCE_STEP_MS = 60_000;

/**
 * Server-provided DPoP nonces (RFC 9449 §8) that need no store: a nonce is a time step and an
 * HMAC of it under a secret derived from the access-token signing keys, so every replica issues
 * and accepts the same nonces without talking to the others. A nonce is accepted in its own step,
 * the next one (a client that just received it) and the previous one (a replica whose clock runs
 * slightly behind); a key rotation keeps the previous keys' nonces valid while those keys are
 * still configured.
 */
@Injectable()
export class DpopNonces {
  private readonly secrets: () => readonly { kid: string; secret: Buffer }[];
  private cached: { step: number; secret: Buffer; nonce: string } | undefined;
  /** The clock (tests replace it). */
  now: () => number = Date.now;

  constructor(keys: ActiveKeys) {
    this.secrets = keys.secretsFor('dpop nonce');
  }

  /** The nonce to hand out now (`DPoP-Nonce`). */
  current(): string {
    const step = Math.floor(this.now() / DPOP_NONCE_STEP_MS);
    const secret = this.secrets()[0].secret;
    if (this.cached?.step !== step || this.cached.secret !== secret) this.cached = { step, secret, nonce: nonceFor(secret, step) };
    return this.cached.nonce;
  }

  /** Whether `nonce` is one this server issued for the current step or an adjacent one. */
  accepts(nonce: unknown): boolean {
    if (typeof nonce !== 'string' || nonce.length > 64) return false;
    const match = /^([0-9a-z]{1,12})\.[A-Za-z0-9_-]{22}$/.exec(nonce);
    if (!match) return false;
    const step = parseInt(match[1], 36);
    const current = Math.floor(this.now() / DPOP_NONCE_STEP_MS);
    if (Math.abs(step - current) > 1) return false;
    return this.secrets().some(({ secret }) => constantTimeEquals(nonce, nonceFor(secret, step)));
  }
}

function nonceFor(secret: Buffer, step: number): string {
  const label = step.toString(36);
  return `${label}.${createHmac('sha256', secret).update(`dpop-nonce.${label}`).digest('base64url').slice(0, 22)}`;
}
