/**
 * Remembers ids for a while and says whether an id was new: the one atomic primitive behind
 * "this may be used once" (a sign-in form, a DPoP proof's `jti`). Shared by every replica when
 * the store is Redis, so an id used at one replica is refused at another. Bound through
 * {@link REPLAY_CACHE}.
 */
export const REPLAY_CACHE = Symbol.for('sympauthy.ReplayCache');

export interface ReplayCache {
  /**
   * Atomically: if `id` is not remembered, remember it for `ttlMs` and answer `true`; otherwise
   * answer `false` (and keep the first expiry). Of concurrent calls with one id, exactly one
   * gets `true`.
   */
  rememberOnce(id: string, ttlMs: number): Promise<boolean>;
}
