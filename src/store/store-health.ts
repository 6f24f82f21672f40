/** Liveness of the store's backend, for `/health/ready`. Bound through {@link STORE_HEALTH}. */
export const STORE_HEALTH = Symbol.for('sympauthy.StoreHealth');

export interface StoreHealth {
  /** `true` when the backend answers now; never throws. */
  ping(): Promise<boolean>;
}
