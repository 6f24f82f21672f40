import { MemoryAuthorizationStore } from '../../store/memory-authorization-store.js';
import {
  ADDRESS_MAX_FAILURES, ADDRESS_RETRY_AFTER_SECONDS, SignInThrottle, THROTTLE_WINDOW_MS, USER_FREE_FAILURES, USER_MAX_DELAY_MS, userDelay,
} from './sign-in-throttle.js';

describe('userDelay', () => {
  it('lets the first failures through without delay', () => {
    for (let failures = 0; failures < USER_FREE_FAILURES; failures++) expect(userDelay(failures)).toBe(0);
  });

  it('grows with every further failure', () => {
    const delays = Array.from({ length: 5 }, (_, i) => userDelay(USER_FREE_FAILURES + i));
    expect(delays[0]).toBeGreaterThan(0);
    for (let i = 1; i < delays.length; i++) expect(delays[i]).toBeGreaterThan(delays[i - 1]);
  });

  it('is capped: a user under attack is slowed down, never locked out', () => {
    expect(userDelay(1_000)).toBe(USER_MAX_DELAY_MS);
    expect(userDelay(Number.MAX_SAFE_INTEGER)).toBe(USER_MAX_DELAY_MS);
    expect(Number.isFinite(userDelay(1_000_000))).toBe(true);
  });
});

describe('SignInThrottle', () => {
  let now: number;
  let store: MemoryAuthorizationStore;
  let throttle: SignInThrottle;
  beforeEach(() => {
    now = 1_000_000;
    store = new MemoryAuthorizationStore({ now: () => now, sweepIntervalMs: 0 });
    throttle = new SignInThrottle(store);
  });

  async function fail(username: string, address: string, times: number): Promise<void> {
    for (let i = 0; i < times; i++) await throttle.recordFailure(username, address);
  }

  it('slows attempts for a username once it has failed repeatedly, from any address', async () => {
    await fail('alice', '10.0.0.1', USER_FREE_FAILURES + 2);
    expect(await throttle.check('alice', '10.0.0.99')).toEqual({ allowed: true, delayMs: userDelay(USER_FREE_FAILURES + 2) });
    expect(userDelay(USER_FREE_FAILURES + 2)).toBeGreaterThan(0);
    expect(await throttle.check('bob', '10.0.0.99')).toEqual({ allowed: true, delayMs: 0 });
  });

  it('counts a username the same whatever its case or Unicode form', async () => {
    await fail('Alice', '10.0.0.1', USER_FREE_FAILURES + 1);
    const expected = { allowed: true, delayMs: userDelay(USER_FREE_FAILURES + 1) };
    expect(await throttle.check('ALICE', '10.0.0.2')).toEqual(expected);
    expect(await throttle.check('\uFF41\uFF4C\uFF49\uFF43\uFF45', '10.0.0.2')).toEqual(expected); // fullwidth 'alice'
  });

  it('counts unknown usernames like known ones (the same answer whether the user exists or not)', async () => {
    await fail('nobody-here', '10.0.0.1', USER_FREE_FAILURES + 1);
    expect(await throttle.check('nobody-here', '10.0.0.1')).toEqual({ allowed: true, delayMs: userDelay(USER_FREE_FAILURES + 1) });
  });

  it('refuses an address beyond its failure limit with a Retry-After, and only that address', async () => {
    for (let i = 0; i < ADDRESS_MAX_FAILURES - 1; i++) await throttle.recordFailure(`user-${i}`, '203.0.113.7');
    expect(await throttle.check('someone', '203.0.113.7')).toEqual({ allowed: true, delayMs: 0 });
    await throttle.recordFailure('one-more', '203.0.113.7');
    expect(await throttle.check('someone', '203.0.113.7')).toEqual({ allowed: false, retryAfterSeconds: ADDRESS_RETRY_AFTER_SECONDS });
    expect(await throttle.check('someone', '198.51.100.1')).toEqual({ allowed: true, delayMs: 0 });
  });

  it('forgets failures once the window has passed without a new one', async () => {
    await fail('alice', '10.0.0.1', USER_FREE_FAILURES + 3);
    now += THROTTLE_WINDOW_MS + 1;
    expect(await throttle.check('alice', '10.0.0.1')).toEqual({ allowed: true, delayMs: 0 });
  });

  it('keys its counters by a digest of bounded size, whatever the client sent', async () => {
    const keys = new Set<string>();
    const recording = new (class extends MemoryAuthorizationStore {
      override async recordFailure(key: string, windowMs: number): Promise<number> {
        keys.add(key);
        return super.recordFailure(key, windowMs);
      }
    })({ now: () => now, sweepIntervalMs: 0 });
    const bounded = new SignInThrottle(recording);
    const longName = 'u'.repeat(60_000);
    for (let i = 0; i <= USER_FREE_FAILURES; i++) await bounded.recordFailure(longName, `10.0.0.1, ${'1'.repeat(60_000)}`);
    expect(keys.size).toBe(2);
    for (const key of keys) expect(key.length).toBeLessThanOrEqual(64);
    // Still one counter per (normalised) username.
    expect(await bounded.check(longName.toUpperCase(), '10.0.0.9')).toEqual({ allowed: true, delayMs: userDelay(USER_FREE_FAILURES + 1) });
  });

  it('clears the username counter on a successful sign-in', async () => {
    await fail('alice', '10.0.0.1', USER_FREE_FAILURES + 3);
    await throttle.recordSuccess('alice');
    expect(await throttle.check('alice', '10.0.0.1')).toEqual({ allowed: true, delayMs: 0 });
  });
});
