import { MemoryAuthorizationStore, StoreCapacityError } from '../src/store/memory-authorization-store.js';
import { describeAuthorizationStoreContract } from './authorization-store-contract.js';

/** A clock the test moves by hand. */
function fakeClock(start = 1_800_000_000_000): { now: () => number; advance: (ms: number) => void } {
  let time = start;
  return { now: () => time, advance: (ms) => { time += ms; } };
}

describeAuthorizationStoreContract('memory', async () => {
  const clock = fakeClock();
  const store = new MemoryAuthorizationStore({ now: clock.now, sweepIntervalMs: 0 });
  return { store, now: clock.now, advance: async (ms) => clock.advance(ms), close: async () => store.close() };
});

describe('MemoryAuthorizationStore', () => {
  const pending = {
    clientId: 'web-app', redirectUri: 'https://app.test/callback', state: 's', codeChallenge: 'c',
    scopes: ['openid'], csrfHash: 'h', createdAt: 0,
  };
  const code = {
    clientId: 'web-app', redirectUri: 'https://app.test/callback', codeChallenge: 'c', scopes: ['openid'],
    userId: 'alice', authTime: 0, grantId: 'g', familyId: 'f',
  };

  it('refuses a write past the limit of a kind with a clear error, keeping every live entry', async () => {
    const store = new MemoryAuthorizationStore({ maxEntriesPerKind: 2, sweepIntervalMs: 0 });
    await store.saveCode('code-1', code, 60_000);
    await store.saveCode('code-2', code, 60_000);
    const refused = store.saveCode('code-3', code, 60_000);
    await expect(refused).rejects.toThrow(StoreCapacityError);
    await expect(refused).rejects.toThrow('memory store is full: 2 live authorization codes');
    expect((await store.consumeCode('code-1')).outcome).toBe('consumed');
    expect((await store.consumeCode('code-2')).outcome).toBe('consumed');
    expect((await store.consumeCode('code-3')).outcome).toBe('missing');
    // Other kinds have their own limit; overwriting an existing key needs no room.
    await store.savePending('p-1', pending, 60_000);
    await store.saveCode('code-2', code, 60_000);
    await expect(store.revokeGrant('g-1', 60_000)).resolves.toBeUndefined();
  });

  it('makes room from expired entries before refusing a write', async () => {
    const clock = fakeClock();
    const store = new MemoryAuthorizationStore({ now: clock.now, maxEntriesPerKind: 2, sweepIntervalMs: 0 });
    await store.savePending('short', pending, 100);
    await store.savePending('long', pending, 60_000);
    clock.advance(100);
    await store.savePending('new', pending, 60_000);
    expect(await store.findPending('long')).toBeDefined();
    expect(await store.findPending('new')).toBeDefined();
    await expect(store.savePending('one-too-many', pending, 60_000)).rejects.toThrow(StoreCapacityError);
  });

  it('rejects a TTL that is not a positive number', async () => {
    const store = new MemoryAuthorizationStore({ sweepIntervalMs: 0 });
    await expect(store.savePending('p', pending, 0)).rejects.toThrow(RangeError);
    await expect(store.saveCode('c', code, Number.NaN)).rejects.toThrow(RangeError);
    await expect(store.recordFailure('k', -1)).rejects.toThrow(RangeError);
  });

  it('sweeps expired entries away periodically, and stops when closed', async () => {
    const clock = fakeClock();
    const store = new MemoryAuthorizationStore({ now: clock.now, sweepIntervalMs: 10 });
    try {
      await store.savePending('short', pending, 100);
      await store.saveCode('short', code, 100);
      await store.savePending('long', pending, 60_000);
      clock.advance(100);
      await waitUntil(() => store.entryCounts()['pending authorizations'] === 1);
      expect(store.entryCounts()).toMatchObject({ 'pending authorizations': 1, 'authorization codes': 0 });
      store.close();
      await store.saveCode('later', code, 100);
      clock.advance(100);
      await sleep(50);
      expect(store.entryCounts()['authorization codes']).toBe(1);
    } finally {
      store.close();
    }
  });
});

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

async function waitUntil(condition: () => boolean, timeoutMs = 2000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(5);
  }
}
