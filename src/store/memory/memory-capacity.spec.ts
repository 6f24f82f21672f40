import type { AuthorizationCodeRecord } from '../authorization-code-store.js';
import type { RefreshTokenFamily } from '../refresh-token-store.js';
import { StoreCapacityError } from './expiring-map.js';
import { MemoryAuthorizationCodeStore } from './memory-authorization-code-store.js';
import { MemoryRefreshTokenStore } from './memory-refresh-token-store.js';
import { MemoryRevocationStore } from './memory-revocation-store.js';

const MINUTE = 60_000;
const options = { maxEntries: 3, sweepIntervalMs: 0, now: () => 1_000_000 };

const code = (n: number): AuthorizationCodeRecord => ({
  clientId: 'web', redirectUri: 'https://app.test/cb', codeChallenge: 'c', scopes: ['openid'], userId: 'alice', authTime: 1,
  grantId: `grant-${n}`, familyId: `family-${n}`, binding: `binding-${n}`,
}) as AuthorizationCodeRecord;

const family = (n: number): RefreshTokenFamily => ({
  familyId: `family-${n}`, grantId: `grant-${n}`, clientId: 'web', userId: 'alice', scopes: ['openid'], authTime: 1,
  currentHash: `hash-${n}`, rotatedAt: 1, revoked: false,
});

describe('memory store at capacity', () => {
  it('codes: forgets the entry written longest ago (a spent marker or a live code), never refuses a sign-in', async () => {
    const store = new MemoryAuthorizationCodeStore(options);
    for (const n of [1, 2, 3]) await store.save(`code-${n}`, code(n), MINUTE);
    expect((await store.redeem('code-1', ['binding-1'], 16 * MINUTE)).outcome).toBe('redeemed'); // code-1 now the newest: a marker
    await store.save('code-4', code(4), MINUTE); // full: code-2, the oldest, goes
    expect((await store.redeem('code-2', ['binding-2'], 16 * MINUTE)).outcome).toBe('missing');
    expect((await store.redeem('code-1', ['binding-1'], 16 * MINUTE)).outcome).toBe('spent');
    expect((await store.redeem('code-4', ['binding-4'], 16 * MINUTE)).outcome).toBe('redeemed');
  });

  it('refresh-token families: forgets the one written longest ago (a rotation counts as a write), and answers for it as revoked, with its grant', async () => {
    const store = new MemoryRefreshTokenStore(options);
    for (const n of [1, 2, 3]) await store.create(family(n), 30 * 24 * 60 * MINUTE);
    expect(await store.compareAndRotate('family-1', 'hash-1', { currentHash: 'hash-1b', previousHash: 'hash-1', rotatedAt: 2 }, 30 * 24 * 60 * MINUTE)).toBe(true);
    await store.create(family(4), 30 * 24 * 60 * MINUTE);
    const forgotten = await store.find('family-2');
    expect(forgotten).toMatchObject({ familyId: 'family-2', grantId: 'grant-2', clientId: 'web', userId: 'alice', currentHash: 'hash-2', revoked: true });
    expect(await store.compareAndRotate('family-2', 'hash-2', { currentHash: 'x', previousHash: 'hash-2', rotatedAt: 3 }, MINUTE)).toBe(false);
    expect((await store.find('family-1'))?.currentHash).toBe('hash-1b');
    expect(await store.find('family-4')).toBeDefined();
  });

  it('revocations: refuses rather than forget one (a forgotten revocation would revive tokens)', async () => {
    const store = new MemoryRevocationStore(options);
    for (const n of [1, 2, 3]) await store.revokeGrant(`grant-${n}`, MINUTE);
    await expect(store.revokeGrant('grant-4', MINUTE)).rejects.toBeInstanceOf(StoreCapacityError);
    expect(await store.isGrantRevoked('grant-1')).toBe(true);
  });
});
