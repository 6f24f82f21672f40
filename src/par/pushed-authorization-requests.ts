import { Inject, Injectable } from '@nestjs/common';
import { randomToken, tokenHash } from '../common/secure-tokens.js';
import { PUSHED_REQUEST_STORE } from '../store/pushed-request-store.js';
import type { PushedRequestStore } from '../store/pushed-request-store.js';

/** RFC 9126 §2.2: the `request_uri` of a pushed request is this URN and an unguessable value. */
export const REQUEST_URI_PREFIX = 'urn:ietf:params:oauth:request_uri:';
/** How long a pushed request can be used (`expires_in`): long enough to redirect a browser, no longer. */
export const PUSHED_REQUEST_TTL_SECONDS = 60;
/** The random part: 256 bits, base64url. */
const REFERENCE = /^[A-Za-z0-9_-]{43}$/;

export interface PushedRequestReference {
  request_uri: string;
  expires_in: number;
}

/**
 * Pushed authorization requests (RFC 9126) in the store: pushing saves the parameters under the
 * hash of a fresh 256-bit reference; using one takes it, once, and only for the client that
 * pushed it (an atomic take, so two uses — on any replicas — cannot both succeed).
 */
@Injectable()
export class PushedAuthorizationRequests {
  constructor(@Inject(PUSHED_REQUEST_STORE) private readonly store: PushedRequestStore) {}

  async push(clientId: string, parameters: Record<string, string>): Promise<PushedRequestReference> {
    const reference = randomToken();
    await this.store.save(tokenHash(reference), { clientId, parameters }, PUSHED_REQUEST_TTL_SECONDS * 1000);
    return { request_uri: REQUEST_URI_PREFIX + reference, expires_in: PUSHED_REQUEST_TTL_SECONDS };
  }

  /** The parameters pushed by `clientId` under `requestUri`, now spent; `undefined` if unknown, expired, used or another client's. */
  async take(requestUri: string, clientId: string): Promise<Record<string, string> | undefined> {
    const reference = requestUri.startsWith(REQUEST_URI_PREFIX) ? requestUri.slice(REQUEST_URI_PREFIX.length) : '';
    if (!REFERENCE.test(reference)) return undefined;
    return (await this.store.take(tokenHash(reference), clientId))?.parameters;
  }
}
