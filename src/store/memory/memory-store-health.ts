import type { StoreHealth } from '../store-health.js';

/** The memory store lives in the process: it answers whenever the process does. */
export class MemoryStoreHealth implements StoreHealth {
  async ping(): Promise<boolean> {
    return true;
  }
}
