import type { RevocationStore } from '../revocation-store.js';
import { ExpiringMap, MemoryStore, MemoryStoreOptions } from './expiring-map.js';

/** Revoked grants and access tokens of one replica. */
export class MemoryRevocationStore extends MemoryStore implements RevocationStore {
  private readonly grants: ExpiringMap<true>;
  private readonly accessTokens: ExpiringMap<true>;

  constructor(options: MemoryStoreOptions = {}) {
    super(options);
    this.grants = new ExpiringMap('grant revocations', this.maxEntries, this.now);
    this.accessTokens = new ExpiringMap('access-token revocations', this.maxEntries, this.now);
  }

  protected maps(): ExpiringMap<unknown>[] {
    return [this.grants, this.accessTokens];
  }

  async revokeGrant(grantId: string, ttlMs: number): Promise<void> {
    this.markUntil(this.grants, grantId, this.expiryAfter(ttlMs));
  }

  async isGrantRevoked(grantId: string): Promise<boolean> {
    return this.grants.get(grantId) !== undefined;
  }

  async revokeAccessToken(jti: string, _grantId: string | undefined, ttlMs: number): Promise<void> {
    this.markUntil(this.accessTokens, jti, this.expiryAfter(ttlMs));
  }

  async isAccessTokenRevoked(jti: string, grantId: string | undefined): Promise<boolean> {
    return this.accessTokens.get(jti) !== undefined || (grantId !== undefined && this.grants.get(grantId) !== undefined);
  }

  /** Marks `key` until `expiresAt`, keeping a later expiry already there. */
  private markUntil(marks: ExpiringMap<true>, key: string, expiresAt: number): void {
    marks.set(key, true, Math.max(expiresAt, marks.get(key)?.expiresAt ?? 0));
  }
}
