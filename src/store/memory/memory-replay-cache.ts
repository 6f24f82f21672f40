import type { ReplayCache } from '../replay-cache.js';
import { ExpiringMap, MemoryStore, MemoryStoreOptions } from './expiring-map.js';

/**
 * Ids seen by one replica. When full it refuses new ids (a 503) rather than forget one that is
 * still live: forgetting would let that id be used twice.
 */
export class MemoryReplayCache extends MemoryStore implements ReplayCache {
  private readonly seen: ExpiringMap<true>;

  constructor(options: MemoryStoreOptions = {}) {
    super(options);
    this.seen = new ExpiringMap('remembered ids', this.maxEntries, this.now);
  }

  protected maps(): ExpiringMap<unknown>[] {
    return [this.seen];
  }

  async rememberOnce(id: string, ttlMs: number): Promise<boolean> {
    const expiresAt = this.expiryAfter(ttlMs);
    if (this.seen.get(id) !== undefined) return false;
    this.seen.set(id, true, expiresAt);
    return true;
  }
}
