import type { AuthorizationCodeRecord, AuthorizationCodeStore, CodeRedemption, SpentCode } from '../authorization-code-store.js';
import { ExpiringMap, MemoryStore, MemoryStoreOptions } from './expiring-map.js';

type StoredCode = { live: AuthorizationCodeRecord } | { spent: SpentCode };

/**
 * Codes of one replica. Every operation runs inside one event-loop turn (no `await` between a
 * read and its write), which makes redemption atomic. Records are copied in and out.
 *
 * Full (live codes and spent markers together), it forgets the entry written longest ago rather
 * than refuse: a forgotten code can no longer be redeemed and a forgotten marker no longer revokes
 * on replay — both fail closed for one holder — whereas refusing would answer every sign-in 503
 * for as long as the markers live (the access-token lifetime), at ~100 redemptions a second.
 */
export class MemoryAuthorizationCodeStore extends MemoryStore implements AuthorizationCodeStore {
  private readonly codes: ExpiringMap<StoredCode>;

  constructor(options: MemoryStoreOptions = {}) {
    super(options);
    this.codes = new ExpiringMap('authorization codes', this.maxEntries, this.now, 'evict-oldest');
  }

  protected maps(): ExpiringMap<unknown>[] {
    return [this.codes];
  }

  async save(codeHash: string, record: AuthorizationCodeRecord, ttlMs: number): Promise<void> {
    this.codes.set(codeHash, { live: structuredClone(record) }, this.expiryAfter(ttlMs));
  }

  async redeem(codeHash: string, bindings: readonly string[], spentTtlMs: number): Promise<CodeRedemption> {
    const expiresAt = this.expiryAfter(spentTtlMs);
    const entry = this.codes.get(codeHash);
    if (entry === undefined) return { outcome: 'missing' };
    if ('spent' in entry.value) return { outcome: 'spent', spent: { ...entry.value.spent } };
    const record = structuredClone(entry.value.live);
    if (!bindings.includes(record.binding)) return { outcome: 'mismatch', record };
    this.codes.set(codeHash, { spent: { clientId: record.clientId, grantId: record.grantId, familyId: record.familyId } }, expiresAt);
    return { outcome: 'redeemed', record };
  }
}
