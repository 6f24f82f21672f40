import type { RefreshTokenFamily, RefreshTokenRotation, RefreshTokenStore } from '../refresh-token-store.js';
import { ExpiringMap, MemoryStore, MemoryStoreOptions } from './expiring-map.js';

/**
 * What is kept of a family the full store forgot: enough to answer for it as revoked and to let
 * its holder revoke its grant (the revocation endpoint matches the presented token's hash).
 */
type ForgottenFamily = Pick<RefreshTokenFamily, 'grantId' | 'clientId' | 'userId' | 'currentHash' | 'previousHash'>;

/**
 * Refresh-token families of one replica; atomic because no operation awaits between read and write.
 *
 * Full, it forgets the family written (created or rotated) longest ago, where refusing would answer
 * every code exchange 503 until families expire — after 100 000 sign-ins within the refresh-token
 * lifetime (30 days by default). A forgotten family is kept as a small tombstone and answered as
 * revoked, with its grant: its refresh token is refused, and revoking it (or presenting it again)
 * still reaches its grant, so the grant's access tokens can be revoked with it (RFC 7009 §2.1).
 * Tombstones are capped alike and forget their oldest.
 */
export class MemoryRefreshTokenStore extends MemoryStore implements RefreshTokenStore {
  private readonly families: ExpiringMap<RefreshTokenFamily>;
  private readonly forgotten: ExpiringMap<ForgottenFamily>;

  constructor(options: MemoryStoreOptions = {}) {
    super(options);
    this.forgotten = new ExpiringMap('forgotten refresh-token families', this.maxEntries, this.now, 'evict-oldest');
    this.families = new ExpiringMap('refresh-token families', this.maxEntries, this.now, 'evict-oldest',
      { evicted: (familyId, { grantId, clientId, userId, currentHash, previousHash }, expiresAt) =>
        this.forgotten.set(familyId, { grantId, clientId, userId, currentHash, previousHash }, expiresAt) });
  }

  protected maps(): ExpiringMap<unknown>[] {
    return [this.families, this.forgotten];
  }

  async create(family: RefreshTokenFamily, ttlMs: number): Promise<void> {
    this.families.set(family.familyId, structuredClone(family), this.expiryAfter(ttlMs));
  }

  async find(familyId: string): Promise<RefreshTokenFamily | undefined> {
    const entry = this.families.get(familyId);
    if (entry) return structuredClone(entry.value);
    const forgotten = this.forgotten.get(familyId)?.value;
    return forgotten && { familyId, ...forgotten, scopes: [], authTime: 0, rotatedAt: 0, revoked: true };
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
