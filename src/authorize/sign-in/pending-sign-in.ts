import { Injectable } from '@nestjs/common';
import { createHmac } from 'node:crypto';
import { constantTimeEquals, randomToken, tokenHash } from '../../common/secure-tokens.js';
import { ActiveKeys } from '../../keys/active-keys.js';
import type { AuthorizationRequest } from '../authorization-request.js';

/** How long an end-user has to sign in once the authorization request is accepted. */
export const PENDING_SIGN_IN_TTL_MS = 10 * 60_000;

/** An accepted authorization request waiting for the end-user to sign in. */
export interface PendingSignIn {
  /** Random id: names the CSRF cookie and makes the form single-use. */
  id: string;
  clientId: string;
  redirectUri: string;
  state: string;
  codeChallenge: string;
  scopes: string[];
  nonce?: string;
  /** The name of the user whose session the browser had when the form opened (shown with "Not you?"). */
  signedInAs?: string;
  /** RFC 9449 §10: the DPoP key the code will be bound to. */
  dpopJkt?: string;
  /** SHA-256 of the CSRF token of the browser that opened the form. */
  csrfHash: string;
  /** ms since the epoch */
  expiresAt: number;
}

/** What the authorize endpoint hands to the sign-in page. */
export interface OpenedSignIn {
  pending: PendingSignIn;
  /** The sealed request, for the form's hidden field. */
  sealed: string;
  /** The CSRF token, for the hidden field and the cookie. */
  csrfToken: string;
}

/**
 * Pending sign-ins are kept **in the form, not in the server**: the accepted authorization
 * request is sealed (HMAC-SHA-256 under a secret derived from the access-token signing key) into
 * a hidden field of the sign-in page and verified when the form is posted. An anonymous
 * `GET /authorize` therefore costs the server no memory and no store write at all, whatever its
 * parameters, and a sign-in started at one replica completes at any other (they share the keys).
 * The seal names the key it was made with, so a form survives a key rotation while the old key
 * is still configured. Single use is enforced when the form succeeds (the replay cache).
 */
@Injectable()
export class PendingSignIns {
  private readonly secrets: () => readonly { kid: string; secret: Buffer }[];
  /** The clock (tests replace it). */
  now: () => number = Date.now;

  constructor(keys: ActiveKeys) {
    this.secrets = keys.secretsFor('sign-in form');
  }

  open(request: AuthorizationRequest, signedInAs?: string): OpenedSignIn {
    const nowMs = this.now();
    const csrfToken = randomToken();
    const pending: PendingSignIn = {
      id: randomToken(18),
      clientId: request.client.id,
      redirectUri: request.redirectUri,
      state: request.state,
      codeChallenge: request.codeChallenge,
      scopes: [...request.scopes],
      nonce: request.nonce,
      signedInAs,
      dpopJkt: request.dpopJkt,
      csrfHash: tokenHash(csrfToken),
      expiresAt: nowMs + PENDING_SIGN_IN_TTL_MS,
    };
    return { pending, sealed: this.seal(pending), csrfToken };
  }

  /** The pending sign-in sealed in `sealed`, if the seal is ours and it has not expired. */
  unseal(sealed: string): PendingSignIn | undefined {
    const nowMs = this.now();
    const parts = sealed.split('.');
    if (parts.length !== 3 || sealed.length > 16_384) return undefined;
    const [kid, payload, mac] = parts;
    const key = this.secrets().find((s) => s.kid === safeDecode(kid));
    if (!key || !constantTimeEquals(mac, this.mac(key.secret, kid, payload))) return undefined;
    let pending: PendingSignIn;
    try {
      pending = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as PendingSignIn;
    } catch {
      return undefined;
    }
    return typeof pending.expiresAt === 'number' && pending.expiresAt > nowMs ? pending : undefined;
  }

  private seal(pending: PendingSignIn): string {
    const { kid, secret } = this.secrets()[0];
    const kidPart = Buffer.from(kid).toString('base64url');
    const payload = Buffer.from(JSON.stringify(pending)).toString('base64url');
    return `${kidPart}.${payload}.${this.mac(secret, kidPart, payload)}`;
  }

  private mac(secret: Buffer, kidPart: string, payload: string): string {
    return createHmac('sha256', secret).update(`${kidPart}.${payload}`).digest('base64url');
  }
}

function safeDecode(part: string): string {
  return Buffer.from(part, 'base64url').toString('utf8');
}
