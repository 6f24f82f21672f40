import type {
  AuthorizationCodeRecord, AuthorizationStore, PendingAuthorization, RefreshFamily,
} from '../src/store/authorization-store.js';

/** A fresh store for one test, with the clock its TTLs run on. */
export interface StoreUnderTest {
  store: AuthorizationStore;
  /** The store's clock in ms since the epoch (what callers pass as `nowMs`). */
  now(): number;
  /**
   * Lets `ms` pass on the store's clock: a fake clock jumps, a backend that cannot fake time
   * (Redis) just waits — the suite keeps its TTLs at 200 ms or less for that.
   */
  advance(ms: number): Promise<void>;
  /** Releases what the store holds (timers, connections). */
  close(): Promise<void>;
}

export type StoreFactory = () => Promise<StoreUnderTest>;

/** Short enough for a real-time backend, with room on both sides of each expiry. */
const SHORT_TTL = 100;
const PAST_SHORT_TTL = 160;
const LONG_TTL = 60_000;

/**
 * The behaviour every {@link AuthorizationStore} must have. Run it from a spec file:
 * `describeAuthorizationStoreContract('memory', async () => ({ store, now, advance, close }))`.
 */
export function describeAuthorizationStoreContract(name: string, createStore: StoreFactory): void {
  describe(`AuthorizationStore contract: ${name}`, () => {
    let t: StoreUnderTest;
    let store: AuthorizationStore;
    beforeEach(async () => {
      t = await createStore();
      store = t.store;
    });
    afterEach(async () => t.close());

    describe('pending authorizations', () => {
      it('saves, finds and takes a pending request once', async () => {
        await store.savePending('p1', pendingRequest(), LONG_TTL);
        expect(await store.findPending('p1')).toEqual(pendingRequest());
        expect(await store.findPending('p2')).toBeUndefined();
        expect(await store.takePending('p1')).toBe(true);
        expect(await store.findPending('p1')).toBeUndefined();
        expect(await store.takePending('p1')).toBe(false);
        expect(await store.takePending('never-saved')).toBe(false);
      });

      it('lets exactly one of 20 concurrent callers take a pending request', async () => {
        await store.savePending('p1', pendingRequest(), LONG_TTL);
        const taken = await Promise.all(Array.from({ length: 20 }, () => store.takePending('p1')));
        expect(taken.filter(Boolean)).toHaveLength(1);
      });

      it('forgets a pending request once its TTL has passed', async () => {
        await store.savePending('p1', pendingRequest(), SHORT_TTL);
        expect(await store.findPending('p1')).toBeDefined();
        await t.advance(PAST_SHORT_TTL);
        expect(await store.findPending('p1')).toBeUndefined();
      });

      it('keeps an optional nonce and leaves it out when absent', async () => {
        await store.savePending('with', { ...pendingRequest(), nonce: 'n-1' }, LONG_TTL);
        await store.savePending('without', pendingRequest(), LONG_TTL);
        expect((await store.findPending('with'))?.nonce).toBe('n-1');
        expect(await store.findPending('without')).not.toHaveProperty('nonce');
      });
    });

    describe('authorization codes', () => {
      it('consumes a code once, then reports replays with the same record', async () => {
        await store.saveCode('code-hash', codeRecord(), LONG_TTL);
        expect(await store.consumeCode('code-hash')).toEqual({ outcome: 'consumed', record: codeRecord() });
        expect(await store.consumeCode('code-hash')).toEqual({ outcome: 'replayed', record: codeRecord() });
        expect(await store.consumeCode('code-hash')).toEqual({ outcome: 'replayed', record: codeRecord() });
      });

      it('reports an unknown code as missing', async () => {
        await store.saveCode('code-hash', codeRecord(), LONG_TTL);
        expect(await store.consumeCode('other-hash')).toEqual({ outcome: 'missing' });
      });

      it('reports an expired code as missing, spent or not', async () => {
        await store.saveCode('fresh', codeRecord(), SHORT_TTL);
        await store.saveCode('spent', codeRecord(), SHORT_TTL);
        expect((await store.consumeCode('spent')).outcome).toBe('consumed');
        await t.advance(PAST_SHORT_TTL);
        expect(await store.consumeCode('fresh')).toEqual({ outcome: 'missing' });
        expect(await store.consumeCode('spent')).toEqual({ outcome: 'missing' });
      });

      it('lets exactly one of 20 concurrent redemptions consume the code', async () => {
        await store.saveCode('code-hash', codeRecord(), LONG_TTL);
        const outcomes = await Promise.all(Array.from({ length: 20 }, () => store.consumeCode('code-hash')));
        expect(countBy(outcomes.map((o) => o.outcome))).toEqual({ consumed: 1, replayed: 19 });
        for (const o of outcomes) expect(o).toEqual({ outcome: o.outcome, record: codeRecord() });
      });
    });

    describe('refresh-token families', () => {
      it('creates and finds a family', async () => {
        await store.createFamily(family(), LONG_TTL);
        expect(await store.findFamily('fam-1')).toEqual(family());
        expect(await store.findFamily('fam-2')).toBeUndefined();
      });

      it('rotates the current token: previous = current, rotatedAt = now, current = next', async () => {
        await store.createFamily(family(), LONG_TTL);
        const now = t.now();
        const outcome = await store.rotateRefreshToken('fam-1', 'rt-0', 'rt-1', now, 0, LONG_TTL, LONG_TTL);
        const rotated = { ...family(), currentHash: 'rt-1', previousHash: 'rt-0', rotatedAt: now };
        expect(outcome).toEqual({ outcome: 'rotated', family: rotated });
        expect(await store.findFamily('fam-1')).toEqual(rotated);
        const next = await store.rotateRefreshToken('fam-1', 'rt-1', 'rt-2', now + 5, 0, LONG_TTL, LONG_TTL);
        expect(next).toEqual({ outcome: 'rotated', family: { ...rotated, currentHash: 'rt-2', previousHash: 'rt-1', rotatedAt: now + 5 } });
      });

      it('revokes the family and its grant when a rotated token comes back without grace', async () => {
        await store.createFamily(family(), LONG_TTL);
        const now = t.now();
        await store.rotateRefreshToken('fam-1', 'rt-0', 'rt-1', now, 0, LONG_TTL, LONG_TTL);
        expect(await store.isAccessTokenRevoked('jti-1', 'grant-1')).toBe(false);
        // Same millisecond as the rotation: a grace of 0 still means no grace.
        const reuse = await store.rotateRefreshToken('fam-1', 'rt-0', 'rt-x', now, 0, LONG_TTL, LONG_TTL);
        expect(reuse).toEqual({ outcome: 'reused', family: { ...family(), currentHash: 'rt-1', previousHash: 'rt-0', rotatedAt: now, revoked: true } });
        expect((await store.findFamily('fam-1'))?.revoked).toBe(true);
        expect(await store.isAccessTokenRevoked('jti-1', 'grant-1')).toBe(true);
        expect(await store.rotateRefreshToken('fam-1', 'rt-1', 'rt-2', now, 0, LONG_TTL, LONG_TTL)).toEqual({ outcome: 'invalid' });
      });

      it('treats a hash the family never issued as reuse', async () => {
        await store.createFamily(family(), LONG_TTL);
        expect((await store.rotateRefreshToken('fam-1', 'forged', 'rt-1', t.now(), 1000, LONG_TTL, LONG_TTL)).outcome).toBe('reused');
        expect((await store.findFamily('fam-1'))?.revoked).toBe(true);
      });

      it('accepts the previous token within the grace, without stretching the grace', async () => {
        await store.createFamily(family(), LONG_TTL);
        const start = t.now();
        await store.rotateRefreshToken('fam-1', 'rt-0', 'rt-1', start, 100, LONG_TTL, LONG_TTL);
        const inGrace = await store.rotateRefreshToken('fam-1', 'rt-0', 'rt-2', start + 60, 100, LONG_TTL, LONG_TTL);
        expect(inGrace).toEqual({ outcome: 'rotated', family: { ...family(), currentHash: 'rt-2', previousHash: 'rt-0', rotatedAt: start } });
        const atEdge = await store.rotateRefreshToken('fam-1', 'rt-0', 'rt-3', start + 100, 100, LONG_TTL, LONG_TTL);
        expect(atEdge.outcome).toBe('rotated');
        const late = await store.rotateRefreshToken('fam-1', 'rt-0', 'rt-4', start + 101, 100, LONG_TTL, LONG_TTL);
        expect(late.outcome).toBe('reused');
        expect(await store.isAccessTokenRevoked('jti-1', 'grant-1')).toBe(true);
      });

      it('kills the token of an earlier rotation once a grace rotation replaced it', async () => {
        await store.createFamily(family(), LONG_TTL);
        const start = t.now();
        await store.rotateRefreshToken('fam-1', 'rt-0', 'rt-1', start, 1000, LONG_TTL, LONG_TTL);
        await store.rotateRefreshToken('fam-1', 'rt-0', 'rt-2', start + 1, 1000, LONG_TTL, LONG_TTL);
        expect((await store.rotateRefreshToken('fam-1', 'rt-1', 'rt-3', start + 2, 1000, LONG_TTL, LONG_TTL)).outcome).toBe('reused');
      });

      it('answers invalid for a missing, revoked or expired family', async () => {
        const now = t.now();
        expect(await store.rotateRefreshToken('nope', 'rt-0', 'rt-1', now, 0, LONG_TTL, LONG_TTL)).toEqual({ outcome: 'invalid' });

        await store.createFamily(family(), LONG_TTL);
        await store.revokeFamily('fam-1', LONG_TTL);
        expect(await store.rotateRefreshToken('fam-1', 'rt-0', 'rt-1', now, 0, LONG_TTL, LONG_TTL)).toEqual({ outcome: 'invalid' });
        expect((await store.findFamily('fam-1'))?.currentHash).toBe('rt-0');

        await store.createFamily(family({ familyId: 'fam-short' }), SHORT_TTL);
        await t.advance(PAST_SHORT_TTL);
        expect(await store.findFamily('fam-short')).toBeUndefined();
        expect(await store.rotateRefreshToken('fam-short', 'rt-0', 'rt-1', t.now(), 0, LONG_TTL, LONG_TTL)).toEqual({ outcome: 'invalid' });
      });

      it('renews the family expiry on rotation', async () => {
        await store.createFamily(family(), 150);
        await t.advance(100);
        expect((await store.rotateRefreshToken('fam-1', 'rt-0', 'rt-1', t.now(), 0, 150, LONG_TTL)).outcome).toBe('rotated');
        await t.advance(100);
        expect((await store.findFamily('fam-1'))?.currentHash).toBe('rt-1');
        await t.advance(100);
        expect(await store.findFamily('fam-1')).toBeUndefined();
      });

      it.each([10, 20])('lets exactly one of %i concurrent rotations of one token through without grace', async (n) => {
        await store.createFamily(family(), LONG_TTL);
        const now = t.now();
        const nexts = Array.from({ length: n }, (_, i) => `next-${i}`);
        const outcomes = await Promise.all(nexts.map((next) => store.rotateRefreshToken('fam-1', 'rt-0', next, now, 0, LONG_TTL, LONG_TTL)));
        expect(outcomes.filter((o) => o.outcome === 'rotated')).toHaveLength(1);
        // The first caller rotated; the next one presented a rotated token (reuse), the rest found a revoked family.
        expect(countBy(outcomes.map((o) => o.outcome))).toEqual({ rotated: 1, reused: 1, invalid: n - 2 });
        expect(liveTokens(await store.findFamily('fam-1'), nexts)).toEqual([]);
        expect(await store.isAccessTokenRevoked('jti-1', 'grant-1')).toBe(true);
      });

      it.each([10, 20])('leaves exactly one live token after %i concurrent rotations within the grace', async (n) => {
        await store.createFamily(family(), LONG_TTL);
        const now = t.now();
        const nexts = Array.from({ length: n }, (_, i) => `next-${i}`);
        const outcomes = await Promise.all(nexts.map((next) => store.rotateRefreshToken('fam-1', 'rt-0', next, now, 1000, LONG_TTL, LONG_TTL)));
        expect(outcomes.every((o) => o.outcome === 'rotated')).toBe(true);
        const live = liveTokens(await store.findFamily('fam-1'), nexts);
        expect(live).toHaveLength(1);
        const dead = nexts.find((next) => next !== live[0]) as string;
        expect((await store.rotateRefreshToken('fam-1', dead, 'after', now + 1, 1000, LONG_TTL, LONG_TTL)).outcome).toBe('reused');
      });

      it('revokes a family and its grant, idempotently, and ignores an unknown family', async () => {
        await store.createFamily(family(), LONG_TTL);
        await store.revokeFamily('fam-1', LONG_TTL);
        await store.revokeFamily('fam-1', LONG_TTL);
        expect(await store.findFamily('fam-1')).toEqual({ ...family(), revoked: true });
        expect(await store.isAccessTokenRevoked('any-jti', 'grant-1')).toBe(true);
        expect(await store.isAccessTokenRevoked('any-jti', 'grant-2')).toBe(false);
        await expect(store.revokeFamily('unknown', LONG_TTL)).resolves.toBeUndefined();
      });

      it('keeps the grant revoked for the grant TTL given to revokeFamily', async () => {
        await store.createFamily(family(), LONG_TTL);
        await store.revokeFamily('fam-1', SHORT_TTL);
        expect(await store.isAccessTokenRevoked('jti-1', 'grant-1')).toBe(true);
        await t.advance(PAST_SHORT_TTL);
        expect(await store.isAccessTokenRevoked('jti-1', 'grant-1')).toBe(false);
        expect((await store.findFamily('fam-1'))?.revoked).toBe(true);
      });
    });

    describe('access-token revocation', () => {
      it('revokes one access token by its jti', async () => {
        await store.revokeAccessToken('jti-1', LONG_TTL);
        expect(await store.isAccessTokenRevoked('jti-1', undefined)).toBe(true);
        expect(await store.isAccessTokenRevoked('jti-1', 'grant-1')).toBe(true);
        expect(await store.isAccessTokenRevoked('jti-2', undefined)).toBe(false);
        expect(await store.isAccessTokenRevoked('jti-2', 'grant-1')).toBe(false);
      });

      it('revokes every access token of a grant', async () => {
        await store.revokeGrant('grant-1', LONG_TTL);
        expect(await store.isAccessTokenRevoked('jti-1', 'grant-1')).toBe(true);
        expect(await store.isAccessTokenRevoked('jti-2', 'grant-1')).toBe(true);
        expect(await store.isAccessTokenRevoked('jti-1', 'grant-2')).toBe(false);
        expect(await store.isAccessTokenRevoked('jti-1', undefined)).toBe(false);
      });

      it('forgets revocations once their TTL has passed', async () => {
        await store.revokeAccessToken('jti-1', SHORT_TTL);
        await store.revokeGrant('grant-1', SHORT_TTL);
        await t.advance(PAST_SHORT_TTL);
        expect(await store.isAccessTokenRevoked('jti-1', undefined)).toBe(false);
        expect(await store.isAccessTokenRevoked('jti-2', 'grant-1')).toBe(false);
      });

      it('never shortens a revocation', async () => {
        await store.revokeGrant('grant-1', 150);
        await store.revokeGrant('grant-1', 30);
        await store.revokeAccessToken('jti-1', 150);
        await store.revokeAccessToken('jti-1', 30);
        await t.advance(80);
        expect(await store.isAccessTokenRevoked('jti-2', 'grant-1')).toBe(true);
        expect(await store.isAccessTokenRevoked('jti-1', undefined)).toBe(true);
        await t.advance(100);
        expect(await store.isAccessTokenRevoked('jti-2', 'grant-1')).toBe(false);
        expect(await store.isAccessTokenRevoked('jti-1', undefined)).toBe(false);
      });
    });

    describe('sign-in failure counters', () => {
      it('counts failures per key and clears them', async () => {
        expect(await store.failureCount('user:alice')).toBe(0);
        expect(await store.recordFailure('user:alice', LONG_TTL)).toBe(1);
        expect(await store.recordFailure('user:alice', LONG_TTL)).toBe(2);
        expect(await store.recordFailure('ip:192.0.2.1', LONG_TTL)).toBe(1);
        expect(await store.failureCount('user:alice')).toBe(2);
        await store.clearFailures('user:alice');
        expect(await store.failureCount('user:alice')).toBe(0);
        expect(await store.failureCount('ip:192.0.2.1')).toBe(1);
      });

      it('restarts the window at each failure and drops the count once it passes', async () => {
        await store.recordFailure('user:alice', 150);
        await t.advance(100);
        expect(await store.recordFailure('user:alice', 150)).toBe(2);
        await t.advance(100);
        expect(await store.failureCount('user:alice')).toBe(2);
        await t.advance(100);
        expect(await store.failureCount('user:alice')).toBe(0);
        expect(await store.recordFailure('user:alice', 150)).toBe(1);
      });

      it('counts 20 concurrent failures exactly', async () => {
        const counts = await Promise.all(Array.from({ length: 20 }, () => store.recordFailure('ip:192.0.2.1', LONG_TTL)));
        expect([...counts].sort((a, b) => a - b)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
        expect(await store.failureCount('ip:192.0.2.1')).toBe(20);
      });
    });

    it('answers ping when the backend is up', async () => {
      expect(await store.ping()).toBe(true);
    });

    describe('records are copies', () => {
      it('is not changed through an object saved or read', async () => {
        const pending = pendingRequest();
        await store.savePending('p1', pending, LONG_TTL);
        pending.scopes.push('admin');
        pending.state = 'changed';
        const read = await store.findPending('p1');
        read?.scopes.push('admin');
        expect(await store.findPending('p1')).toEqual(pendingRequest());

        const record = codeRecord();
        await store.saveCode('code-hash', record, LONG_TTL);
        record.scopes.push('admin');
        const consumed = await store.consumeCode('code-hash');
        if (consumed.outcome !== 'missing') consumed.record.userId = 'mallory';
        expect(await store.consumeCode('code-hash')).toEqual({ outcome: 'replayed', record: codeRecord() });

        const saved = family();
        await store.createFamily(saved, LONG_TTL);
        saved.currentHash = 'forged';
        const found = await store.findFamily('fam-1');
        if (found) { found.revoked = true; found.scopes.push('admin'); }
        const rotated = await store.rotateRefreshToken('fam-1', 'rt-0', 'rt-1', t.now(), 0, LONG_TTL, LONG_TTL);
        if (rotated.outcome === 'rotated') rotated.family.currentHash = 'forged';
        expect(await store.findFamily('fam-1')).toMatchObject({ currentHash: 'rt-1', revoked: false, scopes: ['openid', 'profile'] });
      });
    });
  });
}

function pendingRequest(): PendingAuthorization {
  return {
    clientId: 'web-app',
    redirectUri: 'https://app.test/callback',
    state: 'state-1',
    codeChallenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    scopes: ['openid', 'profile'],
    csrfHash: 'csrf-hash',
    createdAt: 1_700_000_000_000,
  };
}

function codeRecord(): AuthorizationCodeRecord {
  return {
    clientId: 'web-app',
    redirectUri: 'https://app.test/callback',
    codeChallenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    scopes: ['openid', 'profile'],
    nonce: 'nonce-1',
    userId: 'alice',
    authTime: 1_700_000_000,
    grantId: 'grant-1',
    familyId: 'fam-1',
  };
}

function family(overrides: Partial<RefreshFamily> = {}): RefreshFamily {
  return {
    familyId: 'fam-1',
    grantId: 'grant-1',
    clientId: 'web-app',
    userId: 'alice',
    scopes: ['openid', 'profile'],
    authTime: 1_700_000_000,
    currentHash: 'rt-0',
    rotatedAt: 1_700_000_000_000,
    revoked: false,
    ...overrides,
  };
}

/** The tokens among `issued` that the family would still accept (grace aside). */
function liveTokens(family: RefreshFamily | undefined, issued: string[]): string[] {
  if (family === undefined || family.revoked) return [];
  return issued.filter((hash) => hash === family.currentHash);
}

function countBy(values: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
  return counts;
}
