import type { ReplayCache } from '../replay-cache.js';
import { ExpiringMap, MemoryStore, MemoryStoreOptions } from './expiring-map.js';

/**
 * Live ids kept per kind by default. DPoP proof ids are the many: one per DPoP request, kept 71 s,
 * so 500 000 sustain ~7 000 proofs/s per replica (about 150 bytes each: ~75 MB at the cap).
 */
const DEFAULT_MAX_IDS_PER_KIND = 500_000;

/**
 * Ids seen by one replica. Ids are kept per kind — the part before the first `:` (`sign-in`,
 * `dpop`) — each kind with its own limit, so that a flood of one (DPoP proofs, which a public
 * client can send without a secret) never refuses another (sign-in forms). When a kind is full
 * it refuses new ids (a 503) rather than forget one that is still live: forgetting would let that
 * id be used twice.
 */
export class MemoryReplayCache extends MemoryStore implements ReplayCache {
  private readonly kinds = new Map<string, ExpiringMap<true>>();
  private readonly maxIdsPerKind: number;

  constructor(options: MemoryStoreOptions = {}) {
    super(options);
    this.maxIdsPerKind = options.maxEntries ?? DEFAULT_MAX_IDS_PER_KIND;
  }

  protected maps(): ExpiringMap<unknown>[] {
    return [...this.kinds.values()];
  }

  async rememberOnce(id: string, ttlMs: number): Promise<boolean> {
    const expiresAt = this.expiryAfter(ttlMs);
    const colon = id.indexOf(':');
    const kind = colon > 0 ? id.slice(0, colon) : '';
    let seen = this.kinds.get(kind);
    if (seen === undefined) {
      seen = new ExpiringMap(`remembered ${kind || 'other'} ids`, this.maxIdsPerKind, this.now);
      this.kinds.set(kind, seen);
    }
    if (seen.get(id) !== undefined) return false;
    seen.set(id, true, expiresAt);
    return true;
  }
}
