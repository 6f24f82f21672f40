import { jest } from '@jest/globals';
import { StoreUnavailableError } from '../../store/store-errors.js';
import { MemoryAttemptCounterStore } from '../../store/memory/memory-attempt-counter-store.js';
import type { AttemptCounterStore } from '../../store/attempt-counter-store.js';
import {
  ADDRESS_CAPACITY, ADDRESS_LEAK, Admission, MAX_WAIT_MS, SignInThrottle, USER_FREE_ATTEMPTS, USER_MAX_SPACING_MS,
  addressCounterKey, userCounterKey, userSpacing,
} from './sign-in-throttle.js';

describe('userSpacing', () => {
  it('lets the first failures through without spacing, then doubles up to a cap (slowed, never locked out)', () => {
    for (let level = 0; level < USER_FREE_ATTEMPTS; level++) expect(userSpacing(level)).toBe(0);
    const spacings = Array.from({ length: 5 }, (_, i) => userSpacing(USER_FREE_ATTEMPTS + i));
    expect(spacings[0]).toBe(250);
    for (let i = 1; i < spacings.length; i++) expect(spacings[i]).toBe(spacings[i - 1] * 2);
    expect(userSpacing(1_000)).toBe(USER_MAX_SPACING_MS);
    expect(userSpacing(Number.MAX_SAFE_INTEGER)).toBe(USER_MAX_SPACING_MS);
  });
});

describe('counter keys', () => {
  it('counts a username the same whatever its case or Unicode form, with a key of bounded size', () => {
    expect(userCounterKey('Alice')).toBe(userCounterKey('ALICE'));
    expect(userCounterKey('\uFF41\uFF4C\uFF49\uFF43\uFF45')).toBe(userCounterKey('alice')); // fullwidth 'alice'
    expect(userCounterKey('u'.repeat(60_000)).length).toBeLessThanOrEqual(64);
    expect(addressCounterKey(`10.0.0.1, ${'1'.repeat(60_000)}`).length).toBeLessThanOrEqual(64);
  });

  it('counts an IPv6 address by its /64, and an IPv4-mapped address as the IPv4 address', () => {
    expect(addressCounterKey('2001:db8:1:2::1')).toBe(addressCounterKey('2001:0db8:0001:0002:ffff:eeee:dddd:5'));
    expect(addressCounterKey('2001:db8:1:2::1')).not.toBe(addressCounterKey('2001:db8:1:3::1'));
    expect(addressCounterKey('::ffff:198.51.100.7')).toBe(addressCounterKey('198.51.100.7'));
    expect(addressCounterKey('198.51.100.7')).not.toBe(addressCounterKey('198.51.100.8'));
  });
});

describe('SignInThrottle', () => {
  let store: MemoryAttemptCounterStore;
  let throttle: SignInThrottle;

  beforeEach(() => {
    jest.useFakeTimers({ now: 1_800_000_000_000 });
    store = new MemoryAttemptCounterStore({ sweepIntervalMs: 0 });
    throttle = new SignInThrottle(store);
  });
  afterEach(() => jest.useRealTimers());

  /** How long (fake ms) an admission took; fake time runs only until it is decided. */
  async function timeToAdmit(username: string, address: string): Promise<{ admission: Admission; waitedMs: number }> {
    const start = Date.now();
    let admission: Admission | undefined;
    const pending = throttle.admit(username, address).then((a) => { admission = a; });
    for (let waited = 0; admission === undefined && waited <= MAX_WAIT_MS; waited += 1) await jest.advanceTimersByTimeAsync(1);
    await pending;
    return { admission: admission!, waitedMs: Date.now() - start };
  }

  /** Admits and settles one attempt. */
  async function attempt(username: string, address: string, outcome: 'success' | 'failure'): Promise<Admission> {
    const { admission } = await timeToAdmit(username, address);
    if (admission.admitted) await admission.settle(outcome);
    return admission;
  }

  it('does not hold back a username or an address without recent failures', async () => {
    const { admission, waitedMs } = await timeToAdmit('alice', '10.0.0.1');
    expect(admission.admitted).toBe(true);
    expect(waitedMs).toBeLessThanOrEqual(1);
  });

  it('spaces attempts for a failing username, from any address, whether it exists or not', async () => {
    for (let i = 0; i < USER_FREE_ATTEMPTS; i++) await attempt('nobody-here', `10.0.0.${i}`, 'failure');
    const { admission, waitedMs } = await timeToAdmit('nobody-here', '10.0.0.99');
    expect(admission.admitted).toBe(true);
    expect(waitedMs).toBeGreaterThanOrEqual(250);
    expect(waitedMs).toBeLessThan(300);
    const other = await timeToAdmit('bob', '10.0.0.99');
    expect(other.waitedMs).toBeLessThanOrEqual(1);
  });

  it('never locks a username out: after many failures an attempt still gets in within the longest spacing', async () => {
    for (let i = 0; i < 20; i++) await attempt('alice', `10.1.${i}.1`, 'failure');
    const { admission, waitedMs } = await timeToAdmit('alice', '10.2.0.1');
    expect(admission.admitted).toBe(true);
    expect(waitedMs).toBeLessThanOrEqual(USER_MAX_SPACING_MS);
  });

  it('forgets a username\'s failures on a correct password', async () => {
    for (let i = 0; i < USER_FREE_ATTEMPTS + 3; i++) await attempt('alice', `10.1.${i}.1`, 'failure');
    await attempt('alice', '10.3.0.1', 'success');
    expect((await timeToAdmit('alice', '10.3.0.2')).waitedMs).toBeLessThanOrEqual(1);
  });

  it('admits no more parallel attempts from one address than its capacity, however many are sent', async () => {
    const pending = Array.from({ length: 200 }, (_, i) => throttle.admit(`user-${i}`, '203.0.113.7'));
    await jest.advanceTimersByTimeAsync(MAX_WAIT_MS + 1);
    const admissions = await Promise.all(pending);
    expect(admissions.filter((a) => a.admitted)).toHaveLength(ADDRESS_CAPACITY);
    for (const a of admissions) if (!a.admitted) expect(a.retryAfterSeconds).toBeGreaterThanOrEqual(1);
  });

  it('admits no more parallel attempts for one username than it allows, from many addresses', async () => {
    const pending = Array.from({ length: 200 }, (_, i) => throttle.admit('alice', `198.51.${i}.1`));
    await Promise.resolve();
    await jest.advanceTimersByTimeAsync(0);
    // Nobody has settled: the attempts admitted so far are all that may run at once.
    const admitted: Admission[] = [];
    for (const p of pending) void p.then((a) => { if (a.admitted) admitted.push(a); });
    await jest.advanceTimersByTimeAsync(MAX_WAIT_MS + 1);
    await Promise.all(pending);
    expect(admitted.length).toBeLessThanOrEqual(32);
    expect(admitted.length).toBeGreaterThan(0);
  });

  it('lets 32 concurrent correct sign-ins from one address (an office behind one NAT) all in', async () => {
    const admissions = await Promise.all(Array.from({ length: 32 }, async (_, i) => {
      const admission = await throttle.admit(i % 2 === 0 ? 'alice' : `user-${i}`, '192.0.2.10');
      if (admission.admitted) {
        await new Promise((resolve) => setTimeout(resolve, 5)); // the password check
        await admission.settle('success');
      }
      return admission;
    }).map(async (p) => { await jest.advanceTimersByTimeAsync(MAX_WAIT_MS); return p; }));
    expect(admissions.every((a) => a.admitted)).toBe(true);
  });

  it('slows an address past its failures to the leak rate, with the real time in Retry-After', async () => {
    for (let i = 0; i < ADDRESS_CAPACITY; i++) await attempt(`user-${i}`, '203.0.113.8', 'failure');
    const refused = await timeToAdmit('someone', '203.0.113.8');
    expect(refused.admission).toEqual({ admitted: false, retryAfterSeconds: ADDRESS_LEAK.leakIntervalMs / 1000 });
    expect((await timeToAdmit('someone', '198.51.100.1')).admission.admitted).toBe(true);
    jest.advanceTimersByTime(ADDRESS_LEAK.leakIntervalMs);
    expect((await timeToAdmit('someone-else', '203.0.113.8')).admission.admitted).toBe(true);
  });

  it('refuses the attempt before any password check when the counters cannot be written', async () => {
    const down: AttemptCounterStore = {
      reserve: async () => { throw new StoreUnavailableError('down'); },
      settle: async () => { throw new StoreUnavailableError('down'); },
    };
    await expect(new SignInThrottle(down).admit('alice', '10.0.0.1')).rejects.toBeInstanceOf(StoreUnavailableError);
  });
});
