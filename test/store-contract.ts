import type { AttemptCounterStore, AttemptLeak } from '../src/store/attempt-counter-store.js';
import type { AuthorizationCodeRecord, AuthorizationCodeStore } from '../src/store/authorization-code-store.js';
import type { PushedRequest, PushedRequestStore } from '../src/store/pushed-request-store.js';
import type { RefreshTokenFamily, RefreshTokenStore } from '../src/store/refresh-token-store.js';
import type { ReplayCache } from '../src/store/replay-cache.js';
import type { RevocationStore } from '../src/store/revocation-store.js';
import type { SessionGrant, SessionRecord, SessionStore } from '../src/store/session-store.js';
import type { StoreHealth } from '../src/store/store-health.js';

/**
 * The contract every store implementation must pass, one `describe` per port, each sentence of
 * the ports' doc comments (`src/store/*.ts`) turned into a test. Run it from a spec file per
 * backend: `describeStoreContract('redis', async () => ({ codes, …, now, advance, close }))`.
 */

/** Fresh stores for one test, sharing one backend, with the clock their TTLs run on. */
export interface StoresUnderTest {
  codes: AuthorizationCodeStore;
  refreshTokens: RefreshTokenStore;
  revocations: RevocationStore;
  attempts: AttemptCounterStore;
  replay: ReplayCache;
  sessions: SessionStore;
  pushedRequests: PushedRequestStore;
  health: StoreHealth;
  /** The stores' clock in ms since the epoch (what callers pass as `nowMs`). */
  now(): number;
  /**
   * Lets `ms` pass on the stores' clock: a fake clock jumps, a backend that cannot fake time
   * (Redis) just waits — TTLs here stay at 200 ms or less for that.
   */
  advance(ms: number): Promise<void>;
  /** Releases what the stores hold (timers, connections). */
  close(): Promise<void>;
}

export type StoresFactory = () => Promise<StoresUnderTest>;

/** Short enough for a real-time backend, with room on both sides of each expiry. */
const SHORT_TTL = 150;
const PAST_SHORT_TTL = 250;
const LONG_TTL = 60_000;
/** The concurrency of every "exactly one wins" test. */
const CONCURRENT = 50;

export function describeStoreContract(name: string, createStores: StoresFactory): void {
  describe(`store contract: ${name}`, () => {
    let t: StoresUnderTest;
    beforeEach(async () => { t = await createStores(); });
    afterEach(async () => t.close());

    describe('AuthorizationCodeStore', () => {
      it('redeems a code whose binding is presented, with the record saved', async () => {
        await t.codes.save('code-hash', codeRecord(), LONG_TTL);
        expect(await t.codes.redeem('code-hash', ['other', 'binding-1'], LONG_TTL)).toEqual({ outcome: 'redeemed', record: codeRecord() });
      });

      it('answers mismatch, with the record, and keeps the code valid when no binding matches', async () => {
        await t.codes.save('code-hash', codeRecord(), LONG_TTL);
        expect(await t.codes.redeem('code-hash', ['wrong'], LONG_TTL)).toEqual({ outcome: 'mismatch', record: codeRecord() });
        expect(await t.codes.redeem('code-hash', [], LONG_TTL)).toEqual({ outcome: 'mismatch', record: codeRecord() });
        expect(await t.codes.redeem('code-hash', ['binding-1'], LONG_TTL)).toEqual({ outcome: 'redeemed', record: codeRecord() });
      });

      it('answers spent, with the client and grant only, once redeemed, whatever the bindings', async () => {
        await t.codes.save('code-hash', codeRecord(), LONG_TTL);
        await t.codes.redeem('code-hash', ['binding-1'], LONG_TTL);
        const spent = { outcome: 'spent', spent: { clientId: 'web-app', grantId: 'grant-1', familyId: 'family-1' } };
        expect(await t.codes.redeem('code-hash', ['binding-1'], LONG_TTL)).toEqual(spent);
        expect(await t.codes.redeem('code-hash', ['wrong'], LONG_TTL)).toEqual(spent);
        expect(await t.codes.redeem('code-hash', [], LONG_TTL)).toEqual(spent);
      });

      it('answers missing for an unknown code', async () => {
        expect(await t.codes.redeem('never-saved', ['binding-1'], LONG_TTL)).toEqual({ outcome: 'missing' });
      });

      it('forgets a code once its TTL has passed', async () => {
        await t.codes.save('code-hash', codeRecord(), SHORT_TTL);
        await t.advance(PAST_SHORT_TTL);
        expect(await t.codes.redeem('code-hash', ['binding-1'], LONG_TTL)).toEqual({ outcome: 'missing' });
      });

      it('keeps the spent marker for its own TTL, then forgets it', async () => {
        await t.codes.save('short-marker', codeRecord(), LONG_TTL);
        expect((await t.codes.redeem('short-marker', ['binding-1'], SHORT_TTL)).outcome).toBe('redeemed');
        await t.codes.save('long-marker', codeRecord(), SHORT_TTL);
        expect((await t.codes.redeem('long-marker', ['binding-1'], LONG_TTL)).outcome).toBe('redeemed');
        await t.advance(PAST_SHORT_TTL);
        expect(await t.codes.redeem('short-marker', ['binding-1'], LONG_TTL)).toEqual({ outcome: 'missing' });
        // The marker outlives the code's own TTL when given a longer one.
        expect((await t.codes.redeem('long-marker', ['binding-1'], LONG_TTL)).outcome).toBe('spent');
      });

      it(`lets exactly one of ${CONCURRENT} concurrent matching redemptions redeem; the others see it spent`, async () => {
        await t.codes.save('code-hash', codeRecord(), LONG_TTL);
        const outcomes = await Promise.all(Array.from({ length: CONCURRENT }, () => t.codes.redeem('code-hash', ['binding-1'], LONG_TTL)));
        expect(count(outcomes.map((o) => o.outcome))).toEqual({ redeemed: 1, spent: CONCURRENT - 1 });
      });

      it(`never lets a mismatching redemption spend the code, among ${CONCURRENT} concurrent ones`, async () => {
        await t.codes.save('code-hash', codeRecord(), LONG_TTL);
        const outcomes = await Promise.all(Array.from({ length: CONCURRENT }, (_, i) =>
          t.codes.redeem('code-hash', i % 2 === 0 ? ['wrong'] : ['binding-1'], LONG_TTL).then((o) => ({ matching: i % 2 === 1, outcome: o.outcome }))));
        expect(outcomes.filter((o) => o.outcome === 'redeemed')).toEqual([{ matching: true, outcome: 'redeemed' }]);
        expect(outcomes.filter((o) => !o.matching).every((o) => o.outcome === 'mismatch' || o.outcome === 'spent')).toBe(true);
      });

      it('compares bindings as whole strings, whatever characters they hold', async () => {
        const binding = 'line 1\nline "2" \\ {tag} é';
        await t.codes.save('code-hash', { ...codeRecord(), binding }, LONG_TTL);
        expect((await t.codes.redeem('code-hash', ['line 1', 'line 1\nline "2"', `${binding} `], LONG_TTL)).outcome).toBe('mismatch');
        expect(await t.codes.redeem('code-hash', [binding], LONG_TTL)).toEqual({ outcome: 'redeemed', record: { ...codeRecord(), binding } });
      });

      it('keeps optional fields, and leaves them out when absent', async () => {
        const full = { ...codeRecord(), nonce: 'n-1', dpopJkt: 'jkt-1', sessionId: 'session-1' };
        await t.codes.save('full', full, LONG_TTL);
        await t.codes.save('bare', codeRecord(), LONG_TTL);
        expect(await t.codes.redeem('full', ['binding-1'], LONG_TTL)).toEqual({ outcome: 'redeemed', record: full });
        const bare = await t.codes.redeem('bare', ['binding-1'], LONG_TTL);
        expect(bare.outcome === 'redeemed' && Object.keys(bare.record).sort()).toEqual(Object.keys(codeRecord()).sort());
      });

      it('stores a copy: changing an object saved or returned changes nothing stored', async () => {
        const saved = codeRecord();
        await t.codes.save('code-hash', saved, LONG_TTL);
        saved.scopes.push('admin');
        saved.binding = 'changed';
        const first = await t.codes.redeem('code-hash', ['wrong'], LONG_TTL);
        if (first.outcome !== 'mismatch') throw new Error(`expected mismatch, got ${first.outcome}`);
        first.record.scopes.push('admin');
        first.record.binding = 'wrong';
        expect(await t.codes.redeem('code-hash', ['wrong'], LONG_TTL)).toEqual({ outcome: 'mismatch', record: codeRecord() });
      });
    });

    describe('RefreshTokenStore', () => {
      it('creates and finds a family; an unknown one is undefined', async () => {
        await t.refreshTokens.create(family(), LONG_TTL);
        expect(await t.refreshTokens.find('family-1')).toEqual(family());
        expect(await t.refreshTokens.find('family-2')).toBeUndefined();
      });

      it('rotates when the current hash is the expected one, changing nothing else', async () => {
        await t.refreshTokens.create(family(), LONG_TTL);
        const rotation = { currentHash: 'rt-2', previousHash: 'rt-1', rotatedAt: 2_000 };
        expect(await t.refreshTokens.compareAndRotate('family-1', 'rt-1', rotation, LONG_TTL)).toBe(true);
        expect(await t.refreshTokens.find('family-1')).toEqual({ ...family(), ...rotation });
        const next = { currentHash: 'rt-3', previousHash: 'rt-2', rotatedAt: 3_000 };
        expect(await t.refreshTokens.compareAndRotate('family-1', 'rt-2', next, LONG_TTL)).toBe(true);
        expect(await t.refreshTokens.find('family-1')).toEqual({ ...family(), ...next });
      });

      it('changes nothing and answers false when the current hash is not the expected one', async () => {
        await t.refreshTokens.create(family(), LONG_TTL);
        const rotation = { currentHash: 'rt-2', previousHash: 'rt-1', rotatedAt: 2_000 };
        expect(await t.refreshTokens.compareAndRotate('family-1', 'rt-0', rotation, LONG_TTL)).toBe(false);
        expect(await t.refreshTokens.find('family-1')).toEqual(family());
      });

      it('answers false for an unknown, revoked or expired family', async () => {
        const rotation = { currentHash: 'rt-2', previousHash: 'rt-1', rotatedAt: 2_000 };
        expect(await t.refreshTokens.compareAndRotate('family-1', 'rt-1', rotation, LONG_TTL)).toBe(false);
        expect(await t.refreshTokens.find('family-1')).toBeUndefined();

        await t.refreshTokens.create(family('revoked'), LONG_TTL);
        await t.refreshTokens.revoke('revoked');
        expect(await t.refreshTokens.compareAndRotate('revoked', 'rt-1', rotation, LONG_TTL)).toBe(false);
        expect(await t.refreshTokens.find('revoked')).toEqual({ ...family('revoked'), revoked: true });

        await t.refreshTokens.create(family('expiring'), SHORT_TTL);
        await t.advance(PAST_SHORT_TTL);
        expect(await t.refreshTokens.find('expiring')).toBeUndefined();
        expect(await t.refreshTokens.compareAndRotate('expiring', 'rt-1', rotation, LONG_TTL)).toBe(false);
      });

      it('renews the expiry to the TTL given on rotation', async () => {
        await t.refreshTokens.create(family('renewed'), SHORT_TTL);
        await t.refreshTokens.create(family('shortened'), LONG_TTL);
        const rotation = { currentHash: 'rt-2', previousHash: 'rt-1', rotatedAt: 2_000 };
        expect(await t.refreshTokens.compareAndRotate('renewed', 'rt-1', rotation, LONG_TTL)).toBe(true);
        expect(await t.refreshTokens.compareAndRotate('shortened', 'rt-1', rotation, SHORT_TTL)).toBe(true);
        await t.advance(PAST_SHORT_TTL);
        expect(await t.refreshTokens.find('renewed')).toEqual({ ...family('renewed'), ...rotation });
        expect(await t.refreshTokens.find('shortened')).toBeUndefined();
      });

      it(`lets exactly one of ${CONCURRENT} concurrent rotations from one current hash win`, async () => {
        await t.refreshTokens.create(family(), LONG_TTL);
        const won = await Promise.all(Array.from({ length: CONCURRENT }, (_, i) =>
          t.refreshTokens.compareAndRotate('family-1', 'rt-1', { currentHash: `next-${i}`, previousHash: 'rt-1', rotatedAt: 2_000 + i }, LONG_TTL)));
        expect(won.filter(Boolean)).toHaveLength(1);
        const winner = won.indexOf(true);
        expect(await t.refreshTokens.find('family-1')).toEqual({ ...family(), currentHash: `next-${winner}`, previousHash: 'rt-1', rotatedAt: 2_000 + winner });
      });

      it('revokes idempotently, keeping the expiry; an unknown family is left unknown', async () => {
        await t.refreshTokens.create(family(), SHORT_TTL);
        await t.refreshTokens.revoke('family-1');
        await t.refreshTokens.revoke('family-1');
        expect(await t.refreshTokens.find('family-1')).toEqual({ ...family(), revoked: true });
        await t.refreshTokens.revoke('unknown');
        expect(await t.refreshTokens.find('unknown')).toBeUndefined();
        await t.advance(PAST_SHORT_TTL);
        expect(await t.refreshTokens.find('family-1')).toBeUndefined();
      });

      it('keeps optional fields, and leaves them out when absent', async () => {
        const full = { ...family('full'), previousHash: 'rt-0', dpopJkt: 'jkt-1', sessionId: 'session-1' };
        await t.refreshTokens.create(full, LONG_TTL);
        await t.refreshTokens.create(family('bare'), LONG_TTL);
        expect(await t.refreshTokens.find('full')).toEqual(full);
        expect(Object.keys((await t.refreshTokens.find('bare'))!).sort()).toEqual(Object.keys(family('bare')).sort());
      });

      it('stores a copy: changing an object created or found changes nothing stored', async () => {
        const created = family();
        await t.refreshTokens.create(created, LONG_TTL);
        created.scopes.push('admin');
        created.currentHash = 'changed';
        const found = (await t.refreshTokens.find('family-1'))!;
        found.scopes.push('admin');
        found.revoked = true;
        expect(await t.refreshTokens.find('family-1')).toEqual(family());
      });
    });

    describe('RevocationStore', () => {
      it('revokes a grant until its TTL has passed', async () => {
        await t.revocations.revokeGrant('grant-1', SHORT_TTL);
        expect(await t.revocations.isGrantRevoked('grant-1')).toBe(true);
        expect(await t.revocations.isGrantRevoked('grant-2')).toBe(false);
        await t.advance(PAST_SHORT_TTL);
        expect(await t.revocations.isGrantRevoked('grant-1')).toBe(false);
      });

      it('extends a grant revocation, never shortens it', async () => {
        await t.revocations.revokeGrant('extended', SHORT_TTL);
        await t.revocations.revokeGrant('extended', LONG_TTL);
        await t.revocations.revokeGrant('kept', LONG_TTL);
        await t.revocations.revokeGrant('kept', SHORT_TTL);
        await t.advance(PAST_SHORT_TTL);
        expect(await t.revocations.isGrantRevoked('extended')).toBe(true);
        expect(await t.revocations.isGrantRevoked('kept')).toBe(true);
      });

      it('revokes one access token, of a grant or without one, until its TTL has passed', async () => {
        await t.revocations.revokeAccessToken('jti-1', 'grant-1', SHORT_TTL);
        await t.revocations.revokeAccessToken('jti-2', undefined, SHORT_TTL);
        expect(await t.revocations.isAccessTokenRevoked('jti-1', 'grant-1')).toBe(true);
        expect(await t.revocations.isAccessTokenRevoked('jti-2', undefined)).toBe(true);
        expect(await t.revocations.isAccessTokenRevoked('jti-3', 'grant-1')).toBe(false);
        expect(await t.revocations.isAccessTokenRevoked('jti-3', undefined)).toBe(false);
        expect(await t.revocations.isGrantRevoked('grant-1')).toBe(false);
        await t.advance(PAST_SHORT_TTL);
        expect(await t.revocations.isAccessTokenRevoked('jti-1', 'grant-1')).toBe(false);
        expect(await t.revocations.isAccessTokenRevoked('jti-2', undefined)).toBe(false);
      });

      it('reports every access token of a revoked grant revoked', async () => {
        await t.revocations.revokeGrant('grant-1', LONG_TTL);
        expect(await t.revocations.isAccessTokenRevoked('jti-1', 'grant-1')).toBe(true);
        expect(await t.revocations.isAccessTokenRevoked('jti-2', 'grant-1')).toBe(true);
        expect(await t.revocations.isAccessTokenRevoked('jti-1', 'grant-2')).toBe(false);
        expect(await t.revocations.isAccessTokenRevoked('jti-1', undefined)).toBe(false);
      });

      it('extends an access-token revocation, never shortens it', async () => {
        await t.revocations.revokeAccessToken('extended', 'grant-1', SHORT_TTL);
        await t.revocations.revokeAccessToken('extended', 'grant-1', LONG_TTL);
        await t.revocations.revokeAccessToken('kept', undefined, LONG_TTL);
        await t.revocations.revokeAccessToken('kept', undefined, SHORT_TTL);
        await t.advance(PAST_SHORT_TTL);
        expect(await t.revocations.isAccessTokenRevoked('extended', 'grant-1')).toBe(true);
        expect(await t.revocations.isAccessTokenRevoked('kept', undefined)).toBe(true);
      });
    });

    describe('AttemptCounterStore', () => {
      const leak: AttemptLeak = { leakIntervalMs: 1_000, holdMs: 5_000 };
      const emptyState = { level: 0, inFlight: 0, lastFailureAt: 0 };

      it('admits an attempt on a fresh counter, with an id to settle it', async () => {
        const reservation = await t.attempts.reserve('user:alice', 3, leak, t.now());
        expect(reservation).toEqual({ reservationId: expect.any(String), state: emptyState });
      });

      it('counts live reservations, not the one it grants, and refuses at capacity', async () => {
        const now = t.now();
        const first = await t.attempts.reserve('user:alice', 2, leak, now);
        const second = await t.attempts.reserve('user:alice', 2, leak, now);
        const third = await t.attempts.reserve('user:alice', 2, leak, now);
        expect(second).toEqual({ reservationId: expect.any(String), state: { ...emptyState, inFlight: 1 } });
        expect(second.reservationId).not.toBe(first.reservationId);
        expect(third).toEqual({ state: { ...emptyState, inFlight: 2 } });
        await t.attempts.settle('user:alice', first.reservationId!, { failed: false, reset: false }, leak, now);
        expect(await t.attempts.reserve('user:alice', 2, leak, now)).toEqual({ reservationId: expect.any(String), state: { ...emptyState, inFlight: 1 } });
      });

      it('adds a failure to the level on a failed settle, and records when', async () => {
        const now = t.now();
        const { reservationId } = await t.attempts.reserve('user:alice', 3, leak, now);
        await t.attempts.settle('user:alice', reservationId!, { failed: true, reset: false }, leak, now + 10);
        expect((await t.attempts.reserve('user:alice', 3, leak, now + 10)).state).toEqual({ level: 1, inFlight: 0, lastFailureAt: now + 10 });
      });

      it('counts failures and in-flight attempts together against the capacity', async () => {
        const now = t.now();
        for (let i = 0; i < 2; i++) {
          const { reservationId } = await t.attempts.reserve('user:alice', 3, leak, now);
          await t.attempts.settle('user:alice', reservationId!, { failed: true, reset: false }, leak, now);
        }
        expect((await t.attempts.reserve('user:alice', 3, leak, now)).reservationId).toEqual(expect.any(String));
        expect(await t.attempts.reserve('user:alice', 3, leak, now)).toEqual({ state: { level: 2, inFlight: 1, lastFailureAt: now } });
      });

      it('keeps a failure in its place until it has leaked out entirely', async () => {
        const now = t.now();
        const { reservationId } = await t.attempts.reserve('user:alice', 2, leak, now);
        await t.attempts.settle('user:alice', reservationId!, { failed: true, reset: false }, leak, now);
        await t.attempts.reserve('user:alice', 2, leak, now);
        // Level 0.5 and one in flight: 1.5 of 2, no room for a whole attempt.
        expect(await t.attempts.reserve('user:alice', 2, leak, now + 500)).toEqual({ state: { level: 0.5, inFlight: 1, lastFailureAt: now } });
        expect((await t.attempts.reserve('user:alice', 2, leak, now + 1_000)).reservationId).toEqual(expect.any(String));
      });

      it('decays the level linearly, one failure per leak interval, down to 0', async () => {
        const now = t.now();
        for (let i = 0; i < 2; i++) {
          const { reservationId } = await t.attempts.reserve('user:alice', 3, leak, now);
          await t.attempts.settle('user:alice', reservationId!, { failed: true, reset: false }, leak, now);
        }
        expect((await t.attempts.reserve('user:alice', 9, leak, now + 500)).state.level).toBeCloseTo(1.5, 6);
        expect((await t.attempts.reserve('other', 9, leak, now)).state.level).toBe(0);
        const later = await t.attempts.reserve('user:alice', 9, leak, now + 1_500);
        expect(later.state.level).toBeCloseTo(0.5, 6);
        expect((await t.attempts.reserve('user:alice', 9, leak, now + 2_500)).state).toEqual({ level: 0, inFlight: 2, lastFailureAt: now });
      });

      it('adds a failure to the decayed level', async () => {
        const now = t.now();
        const first = await t.attempts.reserve('user:alice', 9, leak, now);
        await t.attempts.settle('user:alice', first.reservationId!, { failed: true, reset: false }, leak, now);
        const second = await t.attempts.reserve('user:alice', 9, leak, now + 750);
        await t.attempts.settle('user:alice', second.reservationId!, { failed: true, reset: false }, leak, now + 750);
        expect((await t.attempts.reserve('user:alice', 9, leak, now + 750)).state).toEqual({ level: 1.25, inFlight: 0, lastFailureAt: now + 750 });
      });

      it('sets the level to 0 on a reset', async () => {
        const now = t.now();
        for (let i = 0; i < 2; i++) {
          const { reservationId } = await t.attempts.reserve('user:alice', 3, leak, now);
          await t.attempts.settle('user:alice', reservationId!, { failed: true, reset: false }, leak, now);
        }
        const { reservationId } = await t.attempts.reserve('user:alice', 3, leak, now);
        await t.attempts.settle('user:alice', reservationId!, { failed: false, reset: true }, leak, now);
        expect((await t.attempts.reserve('user:alice', 3, leak, now)).state).toMatchObject({ level: 0, inFlight: 0 });
      });

      it('adds the failure of a reservation that has already expired', async () => {
        const now = t.now();
        const { reservationId } = await t.attempts.reserve('user:alice', 3, leak, now);
        await t.attempts.settle('user:alice', reservationId!, { failed: true, reset: false }, leak, now + leak.holdMs + 1);
        expect((await t.attempts.reserve('user:alice', 3, leak, now + leak.holdMs + 1)).state).toEqual({ level: 1, inFlight: 0, lastFailureAt: now + leak.holdMs + 1 });
      });

      it('stops counting a reservation not settled within its hold', async () => {
        const now = t.now();
        await t.attempts.reserve('user:alice', 1, leak, now);
        expect((await t.attempts.reserve('user:alice', 1, leak, now + leak.holdMs - 1)).reservationId).toBeUndefined();
        const after = await t.attempts.reserve('user:alice', 1, leak, now + leak.holdMs + 1);
        expect(after).toEqual({ reservationId: expect.any(String), state: emptyState });
      });

      it('keeps counters apart by key', async () => {
        const now = t.now();
        await t.attempts.reserve('user:alice', 1, leak, now);
        expect((await t.attempts.reserve('address:203.0.113.7', 1, leak, now)).reservationId).toEqual(expect.any(String));
      });

      it('expires the counter once its level has leaked to 0 and no reservation is live', async () => {
        const fast: AttemptLeak = { leakIntervalMs: 100, holdMs: SHORT_TTL };
        const { reservationId } = await t.attempts.reserve('user:alice', 3, fast, t.now());
        await t.attempts.settle('user:alice', reservationId!, { failed: true, reset: false }, fast, t.now());
        await t.attempts.reserve('user:bob', 3, fast, t.now());
        await t.advance(PAST_SHORT_TTL);
        // Once expired, even the time of the last failure is forgotten.
        expect((await t.attempts.reserve('user:alice', 3, fast, t.now())).state).toEqual(emptyState);
        expect((await t.attempts.reserve('user:bob', 3, fast, t.now())).state).toEqual(emptyState);
      });

      it(`admits exactly the capacity among ${CONCURRENT} concurrent reservations`, async () => {
        const now = t.now();
        const reservations = await Promise.all(Array.from({ length: CONCURRENT }, () => t.attempts.reserve('user:alice', 10, leak, now)));
        const admitted = reservations.filter((r) => r.reservationId !== undefined);
        expect(admitted).toHaveLength(10);
        expect(new Set(admitted.map((r) => r.reservationId)).size).toBe(10);
        expect(reservations.filter((r) => r.reservationId === undefined).every((r) => r.state.inFlight === 10)).toBe(true);
      });

      it(`counts ${CONCURRENT} concurrent failed settles exactly`, async () => {
        const now = t.now();
        const reservations = await Promise.all(Array.from({ length: CONCURRENT }, () => t.attempts.reserve('user:alice', CONCURRENT, leak, now)));
        await Promise.all(reservations.map((r) => t.attempts.settle('user:alice', r.reservationId!, { failed: true, reset: false }, leak, now)));
        expect((await t.attempts.reserve('user:alice', CONCURRENT + 1, leak, now)).state).toEqual({ level: CONCURRENT, inFlight: 0, lastFailureAt: now });
      });
    });

    describe('ReplayCache', () => {
      it('answers true the first time an id is seen, false after', async () => {
        expect(await t.replay.rememberOnce('id-1', LONG_TTL)).toBe(true);
        expect(await t.replay.rememberOnce('id-1', LONG_TTL)).toBe(false);
        expect(await t.replay.rememberOnce('id-2', LONG_TTL)).toBe(true);
      });

      it('forgets an id after its TTL, keeping the first expiry', async () => {
        expect(await t.replay.rememberOnce('id-1', SHORT_TTL)).toBe(true);
        expect(await t.replay.rememberOnce('id-1', LONG_TTL)).toBe(false);
        await t.advance(PAST_SHORT_TTL);
        expect(await t.replay.rememberOnce('id-1', LONG_TTL)).toBe(true);
      });

      it(`lets exactly one of ${CONCURRENT} concurrent callers remember an id`, async () => {
        const fresh = await Promise.all(Array.from({ length: CONCURRENT }, () => t.replay.rememberOnce('id-1', LONG_TTL)));
        expect(fresh.filter(Boolean)).toHaveLength(1);
      });
    });

    describe('SessionStore', () => {
      const grant = (clientId: string, n: number): SessionGrant => ({ clientId, grantId: `grant-${n}`, familyId: `family-${n}` });
      const use = (g: SessionGrant, conditions: { userId?: string; authTimeAtLeast?: number } = {}, maxGrants = 10) => ({ grant: g, maxGrants, ...conditions });

      it('creates a session and finds it by touching it; an unknown one is undefined', async () => {
        const now = t.now();
        await t.sessions.create('session-hash', session(now), LONG_TTL, now);
        expect(await t.sessions.touch('session-hash', LONG_TTL, t.now())).toEqual({ session: session(now), added: false });
        expect(await t.sessions.touch('other-hash', LONG_TTL, t.now())).toBeUndefined();
      });

      it('expires a session left idle, and sets the idle expiry anew at each touch', async () => {
        const now = t.now();
        await t.sessions.create('renewed', session(now), SHORT_TTL, now);
        await t.sessions.create('shortened', session(now), LONG_TTL, now);
        await t.sessions.create('idle', session(now), SHORT_TTL, now);
        expect(await t.sessions.touch('renewed', LONG_TTL, t.now())).toBeDefined();
        expect(await t.sessions.touch('shortened', SHORT_TTL, t.now())).toBeDefined();
        await t.advance(PAST_SHORT_TTL);
        expect(await t.sessions.touch('renewed', LONG_TTL, t.now())).toBeDefined();
        expect(await t.sessions.touch('shortened', LONG_TTL, t.now())).toBeUndefined();
        expect(await t.sessions.touch('idle', LONG_TTL, t.now())).toBeUndefined();
      });

      it('never keeps a session past its absolute end, whatever the idle timeout', async () => {
        const now = t.now();
        await t.sessions.create('ending', session(now, { expiresAt: now + SHORT_TTL }), LONG_TTL, now);
        expect(await t.sessions.touch('ending', LONG_TTL, t.now())).toBeDefined();
        await t.advance(PAST_SHORT_TTL);
        expect(await t.sessions.touch('ending', LONG_TTL, t.now())).toBeUndefined();
      });

      it('answers undefined and forgets the session when touched at or after its end', async () => {
        const now = t.now();
        await t.sessions.create('ended', session(now, { expiresAt: now + LONG_TTL }), LONG_TTL, now);
        expect(await t.sessions.touch('ended', LONG_TTL, now + LONG_TTL, use(grant('web-app', 1)))).toBeUndefined();
        expect(await t.sessions.touch('ended', LONG_TTL, now)).toBeUndefined();
        await t.sessions.create('born-ended', session(now, { expiresAt: now }), LONG_TTL, now);
        expect(await t.sessions.touch('born-ended', LONG_TTL, now)).toBeUndefined();
      });

      it('adds a grant when every condition holds, and only then', async () => {
        const now = t.now();
        await t.sessions.create('s', session(now), LONG_TTL, now);
        const first = await t.sessions.touch('s', LONG_TTL, now, use(grant('web-app', 1)));
        expect(first).toEqual({ session: session(now, { grants: [grant('web-app', 1)] }), added: true });
        expect((await t.sessions.touch('s', LONG_TTL, now, use(grant('spa', 2), { userId: 'bob' })))?.added).toBe(false);
        expect((await t.sessions.touch('s', LONG_TTL, now, use(grant('spa', 3), { authTimeAtLeast: 1_800_000_001 })))?.added).toBe(false);
        const both = await t.sessions.touch('s', LONG_TTL, now, use(grant('spa', 4), { userId: 'alice', authTimeAtLeast: 1_800_000_000 }));
        expect(both).toEqual({ session: session(now, { grants: [grant('web-app', 1), grant('spa', 4)] }), added: true });
        expect((await t.sessions.touch('s', LONG_TTL, now))?.session.grants).toEqual([grant('web-app', 1), grant('spa', 4)]);
      });

      it('keeps at most maxGrants, dropping the oldest grant of the same client, else the oldest', async () => {
        const now = t.now();
        await t.sessions.create('s', session(now), LONG_TTL, now);
        for (const [clientId, n] of [['web-app', 1], ['spa', 2], ['web-app', 3]] as const) await t.sessions.touch('s', LONG_TTL, now, use(grant(clientId, n), {}, 3));
        const spaAgain = await t.sessions.touch('s', LONG_TTL, now, use(grant('spa', 4), {}, 3));
        expect(spaAgain?.session.grants).toEqual([grant('web-app', 1), grant('web-app', 3), grant('spa', 4)]);
        const newClient = await t.sessions.touch('s', LONG_TTL, now, use(grant('cli', 5), {}, 3));
        expect(newClient?.session.grants).toEqual([grant('web-app', 3), grant('spa', 4), grant('cli', 5)]);
      });

      it('ends a session once, answering what it was; it is gone afterwards', async () => {
        const now = t.now();
        await t.sessions.create('s', session(now, { grants: [grant('web-app', 1)] }), LONG_TTL, now);
        expect(await t.sessions.end('s')).toEqual(session(now, { grants: [grant('web-app', 1)] }));
        expect(await t.sessions.end('s')).toBeUndefined();
        expect(await t.sessions.touch('s', LONG_TTL, now, use(grant('spa', 2)))).toBeUndefined();
        expect(await t.sessions.end('never-created')).toBeUndefined();
      });

      it('replaces the entry on create', async () => {
        const now = t.now();
        await t.sessions.create('s', session(now, { grants: [grant('web-app', 1)] }), LONG_TTL, now);
        await t.sessions.create('s', session(now, { userId: 'bob', sessionId: 'session-2' }), LONG_TTL, now);
        expect((await t.sessions.touch('s', LONG_TTL, now))?.session).toEqual(session(now, { userId: 'bob', sessionId: 'session-2' }));
      });

      it(`lets exactly one of ${CONCURRENT} concurrent ends have the session`, async () => {
        const now = t.now();
        await t.sessions.create('s', session(now), LONG_TTL, now);
        const ended = await Promise.all(Array.from({ length: CONCURRENT }, () => t.sessions.end('s')));
        expect(ended.filter((r) => r !== undefined)).toEqual([session(now)]);
      });

      it(`keeps every grant of ${CONCURRENT} concurrent touches, and none after a concurrent end`, async () => {
        const now = t.now();
        await t.sessions.create('s', session(now), LONG_TTL, now);
        const touched = await Promise.all(Array.from({ length: CONCURRENT }, (_, i) => t.sessions.touch('s', LONG_TTL, now, use(grant('spa', i), {}, 100))));
        expect(touched.every((r) => r?.added === true)).toBe(true);
        const grants = (await t.sessions.touch('s', LONG_TTL, now))!.session.grants;
        expect(grants.map((g) => g.grantId).sort()).toEqual(Array.from({ length: CONCURRENT }, (_, i) => `grant-${i}`).sort());
        const raced = await Promise.all([t.sessions.end('s'), ...Array.from({ length: 10 }, (_, i) => t.sessions.touch('s', LONG_TTL, now, use(grant('web-app', 100 + i), {}, 100)))]);
        const ended = raced[0] as SessionRecord;
        const addedAfter = raced.slice(1).filter((r) => r !== undefined && (r as { added: boolean }).added).length;
        // A grant is either in what the end answered or was never added: none is lost.
        expect(ended.grants.filter((g) => g.clientId === 'web-app')).toHaveLength(addedAfter);
      });

      it('stores a copy: changing an object created or answered changes nothing stored', async () => {
        const now = t.now();
        const created = session(now, { grants: [grant('web-app', 1)] });
        await t.sessions.create('s', created, LONG_TTL, now);
        created.grants.push(grant('spa', 2));
        created.userId = 'mallory';
        const touched = (await t.sessions.touch('s', LONG_TTL, now))!;
        touched.session.grants.push(grant('spa', 3));
        touched.session.userId = 'mallory';
        expect((await t.sessions.touch('s', LONG_TTL, now))?.session).toEqual(session(now, { grants: [grant('web-app', 1)] }));
      });
    });

    describe('PushedRequestStore', () => {
      it('answers the saved request once, to the client that pushed it', async () => {
        await t.pushedRequests.save('par-hash', pushedRequest(), LONG_TTL);
        expect(await t.pushedRequests.take('par-hash', 'web-app')).toEqual(pushedRequest());
        expect(await t.pushedRequests.take('par-hash', 'web-app')).toBeUndefined();
      });

      it('answers undefined to another client and keeps the request for its own', async () => {
        await t.pushedRequests.save('par-hash', pushedRequest(), LONG_TTL);
        expect(await t.pushedRequests.take('par-hash', 'spa')).toBeUndefined();
        expect(await t.pushedRequests.take('par-hash', 'web-app')).toEqual(pushedRequest());
      });

      it('answers undefined for an unknown request', async () => {
        expect(await t.pushedRequests.take('never-saved', 'web-app')).toBeUndefined();
      });

      it('forgets a request once its TTL has passed', async () => {
        await t.pushedRequests.save('par-hash', pushedRequest(), SHORT_TTL);
        await t.advance(PAST_SHORT_TTL);
        expect(await t.pushedRequests.take('par-hash', 'web-app')).toBeUndefined();
      });

      it('keeps parameters with any characters intact', async () => {
        const odd = { clientId: 'odd:client %+é', parameters: { state: '{"a":"é\\u0000"}', 'x y': 'a&b=c', empty: '' } };
        await t.pushedRequests.save('par-hash', odd, LONG_TTL);
        expect(await t.pushedRequests.take('par-hash', 'odd:client %+é')).toEqual(odd);
      });

      it(`gives one request to exactly one of ${CONCURRENT} concurrent takes`, async () => {
        await t.pushedRequests.save('par-hash', pushedRequest(), LONG_TTL);
        const taken = await Promise.all(Array.from({ length: CONCURRENT }, () => t.pushedRequests.take('par-hash', 'web-app')));
        expect(taken.filter((r) => r !== undefined)).toEqual([pushedRequest()]);
      });
    });

    describe('StoreHealth', () => {
      it('answers ping when the backend is up', async () => {
        expect(await t.health.ping()).toBe(true);
      });
    });
  });
}

function pushedRequest(): PushedRequest {
  return {
    clientId: 'web-app',
    parameters: { client_id: 'web-app', response_type: 'code', redirect_uri: 'https://app.test/callback', state: 's', scope: 'openid' },
  };
}

function codeRecord(): AuthorizationCodeRecord {
  return {
    clientId: 'web-app',
    redirectUri: 'https://app.test/callback',
    codeChallenge: 'E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM',
    scopes: ['openid', 'profile'],
    userId: 'alice',
    authTime: 1_800_000_000,
    grantId: 'grant-1',
    familyId: 'family-1',
    binding: 'binding-1',
  };
}

function family(familyId = 'family-1'): RefreshTokenFamily {
  return {
    familyId,
    grantId: 'grant-1',
    clientId: 'web-app',
    userId: 'alice',
    scopes: ['openid', 'offline_access'],
    authTime: 1_800_000_000,
    currentHash: 'rt-1',
    rotatedAt: 1_000,
    revoked: false,
  };
}

function session(nowMs: number, overrides: Partial<SessionRecord> = {}): SessionRecord {
  return { sessionId: 'session-1', userId: 'alice', authTime: 1_800_000_000, expiresAt: nowMs + 10 * LONG_TTL, grants: [], ...overrides };
}

function count(values: string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
  return counts;
}
