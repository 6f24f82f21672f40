import { StoreUnavailableError } from '../store-errors.js';

/** A write refused because one kind of entry reached its limit; no live entry was dropped. */
export class StoreCapacityError extends StoreUnavailableError {
  constructor(kind: string, capacity: number) {
    super(`memory store is full: ${capacity} live ${kind}; raise the limit or use store.type redis`);
    this.name = 'StoreCapacityError';
  }
}

/** How often a full map looks for expired entries to make room (the periodic sweep runs besides). */
const FULL_SWEEP_INTERVAL_MS = 1_000;

/** What a full map does with a new key: refuse it, or forget the least recently written entry. */
export type WhenFull = 'refuse' | 'evict-oldest';

/** Told of a live entry a full `evict-oldest` map forgot. */
export interface EvictionListener<V> {
  evicted(key: string, value: V, expiresAt: number): void;
}

interface Expiring<V> {
  value: V;
  expiresAt: number;
}

/**
 * One kind of entry of the memory store: a map whose entries vanish at their expiry, with a hard
 * limit on live entries. Entries are kept in write order (a write moves its key to the end), so
 * `evict-oldest` forgets the entry written longest ago.
 */
export class ExpiringMap<V> {
  private readonly entries = new Map<string, Expiring<V>>();
  /** When a full map last swept itself (ms): a full map sweeps at most once per {@link FULL_SWEEP_INTERVAL_MS}. */
  private lastFullSweep = -Infinity;

  constructor(
    readonly kind: string,
    private readonly capacity: number,
    private readonly now: () => number,
    private readonly whenFull: WhenFull = 'refuse',
    /** Told of each live entry `evict-oldest` forgets (not of expired ones). */
    private readonly eviction?: EvictionListener<V>,
  ) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`the capacity of ${kind} must be a positive integer`);
  }

  get(key: string): Expiring<V> | undefined {
    const entry = this.entries.get(key);
    if (entry === undefined) return undefined;
    if (entry.expiresAt <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry;
  }

  set(key: string, value: V, expiresAt: number): void {
    const existed = this.entries.delete(key);
    if (!existed && this.entries.size >= this.capacity) {
      // A sweep walks every entry: while the map stays full, not on every write.
      const now = this.now();
      if (now - this.lastFullSweep >= FULL_SWEEP_INTERVAL_MS) {
        this.lastFullSweep = now;
        this.sweep();
      }
      if (this.entries.size >= this.capacity) {
        if (this.whenFull === 'refuse') throw new StoreCapacityError(this.kind, this.capacity);
        const oldest = this.entries.entries().next();
        if (!oldest.done) {
          const [oldestKey, entry] = oldest.value;
          this.entries.delete(oldestKey);
          this.eviction?.evicted(oldestKey, entry.value, entry.expiresAt);
        }
      }
    }
    this.entries.set(key, { value, expiresAt });
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  /** Removes every expired entry. */
  sweep(): void {
    const now = this.now();
    for (const [key, entry] of this.entries) if (entry.expiresAt <= now) this.entries.delete(key);
  }
}

export interface MemoryStoreOptions {
  /** The clock for TTLs, in ms since the epoch; tests inject a fake one. Default `Date.now`. */
  now?: () => number;
  /** Live entries allowed per kind. Default 100 000. */
  maxEntries?: number;
  /** How often expired entries are swept away; 0 turns the sweep off. Default 60 s. */
  sweepIntervalMs?: number;
}

/**
 * What every memory store shares: the clock, the entry limit, and a periodic sweep of expired
 * entries whose timer never keeps the process alive and stops with the application.
 */
export abstract class MemoryStore {
  protected readonly now: () => number;
  protected readonly maxEntries: number;
  private readonly sweepTimer: NodeJS.Timeout | undefined;

  protected constructor(options: MemoryStoreOptions) {
    this.now = options.now ?? Date.now;
    this.maxEntries = options.maxEntries ?? 100_000;
    const sweepIntervalMs = options.sweepIntervalMs ?? 60_000;
    if (sweepIntervalMs > 0) this.sweepTimer = setInterval(() => this.sweep(), sweepIntervalMs).unref();
  }

  protected abstract maps(): ExpiringMap<unknown>[];

  /** Drops every expired entry now (the periodic sweep calls it too). */
  sweep(): void {
    for (const map of this.maps()) map.sweep();
  }

  /** Stops the periodic sweep. */
  close(): void {
    if (this.sweepTimer !== undefined) clearInterval(this.sweepTimer);
  }

  onModuleDestroy(): void {
    this.close();
  }

  protected expiryAfter(ttlMs: number): number {
    if (!Number.isFinite(ttlMs) || ttlMs <= 0) throw new RangeError(`a TTL must be a positive number of milliseconds, got ${ttlMs}`);
    return this.now() + ttlMs;
  }
}
