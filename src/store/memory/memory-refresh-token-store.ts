import type { RefreshTokenFamily, RefreshTokenRotation, RefreshTokenStore } from '../refresh-token-store.js';
import { ExpiringMap, MemoryStore, MemoryStoreOptions } from './expiring-map.js';

/**
 * Refresh-token families of one replica; atomic because no operation awaits between read and write.
 * Full, it forgets the family written (created or rotated) longest ago: its refresh token stops
 * working, which is safe, where refusing would answer every code exchange 503 until families
 * expire — after 100 000 sign-ins within the refresh-token lifetime (30 days by default).
 */
export class MemoryRefreshTokenStore extends MemoryStore implements RefreshTokenStore {
  private readonly families: ExpiringMap<RefreshTokenFamily>;

  constructor(options: MemoryStoreOptions = {}) {
    super(options);
    this.families = new ExpiringMap('refresh-token families', this.maxEntries, this.now, 'evict-oldest');
  }

  protected maps(): ExpiringMap<unknown>[] {
    return [this.families];
  }

  async create(family: RefreshTokenFamily, ttlMs: number): Promise<void> {
    this.families.set(family.familyId, structuredClone(family), this.expiryAfter(ttlMs));
  }

  async find(familyId: string): Promise<RefreshTokenFamily | undefined> {
    const entry = this.families.get(familyId);
    return entry && structuredClone(entry.value);
  }

  async compareAndRotate(familyId: string, expectedCurrentHash: string, rotation: RefreshTokenRotation, ttlMs: number): Promise<boolean> {
    const expiresAt = this.expiryAfter(ttlMs);
    const entry = this.families.get(familyId);
    if (entry === undefined || entry.value.revoked || entry.value.currentHash !== expectedCurrentHash) return false;
    this.families.set(familyId, { ...entry.value, ...rotation }, expiresAt);
    return true;
  }

  async revoke(familyId: string): Promise<void> {
    const entry = this.families.get(familyId);
    if (entry !== undefined) entry.value.revoked = true;
  }
}
