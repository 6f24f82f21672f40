import type { PushedRequest, PushedRequestStore } from '../pushed-request-store.js';
import { ExpiringMap, MemoryStore, MemoryStoreOptions } from './expiring-map.js';

/**
 * At most this many live pushed requests by default (each at most 8 KiB of parameters): public
 * clients push without a secret, so the memory they can make a replica hold has a lower bound
 * than the other kinds' ({@link MemoryStoreOptions.maxEntries} still caps it).
 */
const DEFAULT_MAX_PUSHED_REQUESTS = 10_000;

/**
 * Pushed requests of one replica. Taking is atomic: the read and the delete happen in one
 * event-loop turn. When full it refuses new ones (a 503) rather than drop a live one.
 */
export class MemoryPushedRequestStore extends MemoryStore implements PushedRequestStore {
  private readonly requests: ExpiringMap<PushedRequest>;

  constructor(options: MemoryStoreOptions = {}) {
    super(options);
    this.requests = new ExpiringMap('pushed authorization requests', Math.min(this.maxEntries, DEFAULT_MAX_PUSHED_REQUESTS), this.now);
  }

  protected maps(): ExpiringMap<unknown>[] {
    return [this.requests];
  }

  async save(id: string, request: PushedRequest, ttlMs: number): Promise<void> {
    this.requests.set(id, structuredClone(request), this.expiryAfter(ttlMs));
  }

  async take(id: string, clientId: string): Promise<PushedRequest | undefined> {
    const entry = this.requests.get(id);
    if (entry === undefined || entry.value.clientId !== clientId) return undefined;
    this.requests.delete(id);
    return entry.value;
  }
}
