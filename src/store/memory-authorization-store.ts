import type { OnModuleDestroy } from '@nestjs/common';
import type {
  AuthorizationCodeRecord, AuthorizationStore, CodeConsumption, PendingAuthorization, RefreshFamily, RotationOutcome,
} from './authorization-store.js';
import { StoreUnavailableError } from './authorization-store.js';

export interface MemoryStoreOptions {
  /** The clock for TTLs, in ms since the epoch; tests inject a fake one. Default `Date.now`. */
  now?: () => number;
  /** Live entries allowed per kind (pending requests, codes, families, …). Default 100 000. */
  maxEntriesPerKind?: number;
  /** How often expired entries are swept away; 0 turns the sweep off. Default 60 s. */
  sweepIntervalMs?: number;
}

/** A write refused because one kind of entry reached its limit; no live entry was dropped. */
export class StoreCapacityError extends StoreUnavailableError {
  constructor(kind: string, capacity: number) {
    super(`memory store is full: ${capacity} live ${kind}; raise maxEntriesPerKind or use store.type redis`);
    this.name = 'StoreCapacityError';
  }
}

interface Expiring<V> {
  value: V;
  expiresAt: number;
}

/** One kind of entry: a map whose entries vanish at their expiry, with a hard size limit. */
class ExpiringMap<V> {
  private readonly entries = new Map<string, Expiring<V>>();

  constructor(readonly kind: string, private readonly capacity: number, private readonly now: () => number) {}

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
    if (!this.entries.has(key) && this.entries.size >= this.capacity) {
      this.sweep();
      if (this.entries.size >= this.capacity) throw new StoreCapacityError(this.kind, this.capacity);
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

  get size(): number {
    return this.entries.size;
  }
}

interface StoredCode {
  record: AuthorizationCodeRecord;
  consumed: boolean;
}

/**
 * The embedded store for a single replica. Every operation runs synchronously inside one event
 * loop turn (no `await` between a read and its write), which makes "consume once" and rotation
 * atomic. Records are deep-copied in and out. Expired entries are dropped when read and by a
 * periodic sweep whose timer never keeps the process alive.
 */
export class MemoryAuthorizationStore implements AuthorizationStore, OnModuleDestroy {
  private readonly now: () => number;
  private readonly pending: ExpiringMap<PendingAuthorization>;
  private readonly codes: ExpiringMap<StoredCode>;
  private readonly families: ExpiringMap<RefreshFamily>;
  private readonly revokedGrants: ExpiringMap<true>;
  private readonly revokedAccessTokens: ExpiringMap<true>;
  private readonly failures: ExpiringMap<number>;
  private readonly sweepTimer: NodeJS.Timeout | undefined;

  constructor(options: MemoryStoreOptions = {}) {
    this.now = options.now ?? Date.now;
    const capacity = options.maxEntriesPerKind ?? 100_000;
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError('maxEntriesPerKind must be a positive integer');
    this.pending = new ExpiringMap('pending authorizations', capacity, this.now);
    this.codes = new ExpiringMap('authorization codes', capacity, this.now);
    this.families = new ExpiringMap('refresh-token families', capacity, this.now);
    this.revokedGrants = new ExpiringMap('grant revocations', capacity, this.now);
    this.revokedAccessTokens = new ExpiringMap('access-token revocations', capacity, this.now);
    this.failures = new ExpiringMap('sign-in failure counters', capacity, this.now);
    const sweepIntervalMs = options.sweepIntervalMs ?? 60_000;
    if (sweepIntervalMs > 0) this.sweepTimer = setInterval(() => this.sweep(), sweepIntervalMs).unref();
  }

  async savePending(id: string, pending: PendingAuthorization, ttlMs: number): Promise<void> {
    this.pending.set(id, structuredClone(pending), this.expiryAfter(ttlMs));
  }

  async findPending(id: string): Promise<PendingAuthorization | undefined> {
    const entry = this.pending.get(id);
    return entry && structuredClone(entry.value);
  }

  async takePending(id: string): Promise<boolean> {
    if (!this.pending.get(id)) return false;
    this.pending.delete(id);
    return true;
  }

  async saveCode(codeHash: string, record: AuthorizationCodeRecord, ttlMs: number): Promise<void> {
    this.codes.set(codeHash, { record: structuredClone(record), consumed: false }, this.expiryAfter(ttlMs));
  }

  async consumeCode(codeHash: string): Promise<CodeConsumption> {
    const entry = this.codes.get(codeHash);
    if (entry === undefined) return { outcome: 'missing' };
    const record = structuredClone(entry.value.record);
    if (entry.value.consumed) return { outcome: 'replayed', record };
    entry.value.consumed = true;
    return { outcome: 'consumed', record };
  }

  async createFamily(family: RefreshFamily, ttlMs: number): Promise<void> {
    this.families.set(family.familyId, structuredClone(family), this.expiryAfter(ttlMs));
  }

  async rotateRefreshToken(
    familyId: string, presentedHash: string, nextHash: string, nowMs: number, graceMs: number, ttlMs: number, grantTtlMs: number,
  ): Promise<RotationOutcome> {
    const expiresAt = this.expiryAfter(ttlMs);
    const grantExpiresAt = this.expiryAfter(grantTtlMs);
    const entry = this.families.get(familyId);
    if (entry === undefined || entry.value.revoked) return { outcome: 'invalid' };
    const family = entry.value;
    const withinGrace = graceMs > 0 && family.previousHash === presentedHash && nowMs - family.rotatedAt <= graceMs;
    if (family.currentHash === presentedHash) {
      family.previousHash = family.currentHash;
      family.rotatedAt = nowMs;
    } else if (!withinGrace) {
      // Revoke the family first: should the grant revocation be refused (full), the family stays dead.
      family.revoked = true;
      this.revokeGrantUntil(family.grantId, grantExpiresAt);
      return { outcome: 'reused', family: structuredClone(family) };
    }
    family.currentHash = nextHash;
    entry.expiresAt = expiresAt;
    return { outcome: 'rotated', family: structuredClone(family) };
  }

  async findFamily(familyId: string): Promise<RefreshFamily | undefined> {
    const entry = this.families.get(familyId);
    return entry && structuredClone(entry.value);
  }

  async revokeFamily(familyId: string, grantTtlMs: number): Promise<void> {
    const grantExpiresAt = this.expiryAfter(grantTtlMs);
    const entry = this.families.get(familyId);
    if (entry === undefined) return;
    entry.value.revoked = true;
    this.revokeGrantUntil(entry.value.grantId, grantExpiresAt);
  }

  async revokeGrant(grantId: string, ttlMs: number): Promise<void> {
    this.revokeGrantUntil(grantId, this.expiryAfter(ttlMs));
  }

  async revokeAccessToken(jti: string, ttlMs: number): Promise<void> {
    this.markUntil(this.revokedAccessTokens, jti, this.expiryAfter(ttlMs));
  }

  async isAccessTokenRevoked(jti: string, grantId: string | undefined): Promise<boolean> {
    return this.revokedAccessTokens.get(jti) !== undefined || (grantId !== undefined && this.revokedGrants.get(grantId) !== undefined);
  }

  async recordFailure(key: string, windowMs: number): Promise<number> {
    const count = (this.failures.get(key)?.value ?? 0) + 1;
    this.failures.set(key, count, this.expiryAfter(windowMs));
    return count;
  }

  async failureCount(key: string): Promise<number> {
    return this.failures.get(key)?.value ?? 0;
  }

  async clearFailures(key: string): Promise<void> {
    this.failures.delete(key);
  }

  async ping(): Promise<boolean> {
    return true;
  }

  /** Drops every expired entry now (the periodic sweep calls it too). */
  sweep(): void {
    for (const kind of this.kinds()) kind.sweep();
  }

  /** Stored entries per kind, expired ones not yet swept included (for monitoring). */
  entryCounts(): Record<string, number> {
    return Object.fromEntries(this.kinds().map((kind) => [kind.kind, kind.size]));
  }

  /** Stops the periodic sweep. */
  close(): void {
    if (this.sweepTimer !== undefined) clearInterval(this.sweepTimer);
  }

  onModuleDestroy(): void {
    this.close();
  }

  private kinds(): ExpiringMap<unknown>[] {
    return [this.pending, this.codes, this.families, this.revokedGrants, this.revokedAccessTokens, this.failures];
  }

  private revokeGrantUntil(grantId: string, expiresAt: number): void {
    this.markUntil(this.revokedGrants, grantId, expiresAt);
  }

  /** Marks `key` until `expiresAt`, keeping a later expiry already there. */
  private markUntil(marks: ExpiringMap<true>, key: string, expiresAt: number): void {
    const existing = marks.get(key);
    marks.set(key, true, Math.max(expiresAt, existing?.expiresAt ?? 0));
  }

  private expiryAfter(ttlMs: number): number {
    if (!Number.isFinite(ttlMs) || ttlMs <= 0) throw new RangeError(`a TTL must be a positive number of milliseconds, got ${ttlMs}`);
    return this.now() + ttlMs;
  }
}
