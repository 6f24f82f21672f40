/**
 * Pushed authorization requests (RFC 9126, SPEC §5): the parameters a client pushed, kept under
 * the SHA-256 of the `request_uri`'s random part (never the value itself) until they are used
 * once or expire. Shared by every replica when the store is Redis, so a request pushed to one
 * replica is used at another. Bound through {@link PUSHED_REQUEST_STORE}.
 */
export const PUSHED_REQUEST_STORE = Symbol.for('sympauthy.PushedRequestStore');

export interface PushedRequest {
  /** The client that pushed it: the only one that may use it. */
  clientId: string;
  /** The authorization request's parameters, as pushed (validated when pushed). */
  parameters: Record<string, string>;
}

export interface PushedRequestStore {
  /** Stores a pushed request under `id` for `ttlMs`. */
  save(id: string, request: PushedRequest, ttlMs: number): Promise<void>;
  /**
   * Atomically: if a request is live under `id` and was pushed by `clientId`, delete it and
   * answer it; otherwise change nothing and answer `undefined` (another client cannot spend a
   * request it did not push). Of concurrent takes of one request, exactly one gets it.
   */
  take(id: string, clientId: string): Promise<PushedRequest | undefined>;
}
