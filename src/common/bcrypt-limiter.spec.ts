import { jest } from '@jest/globals';

// bcrypt.compare replaced by promises the test settles by hand, to observe how many run at once.
const started: { plain: string; hash: string; settle: (ok: boolean) => void; fail: (e: Error) => void }[] = [];
const compare = jest.fn(
  (plain: string, hash: string) =>
    new Promise<boolean>((resolve, reject) => started.push({ plain, hash, settle: resolve, fail: reject })),
);
jest.unstable_mockModule('bcrypt', () => ({ default: { compare } }));
const { BcryptLimiter, BcryptQueueFullError, normalizeBcryptHash } = await import('./bcrypt-limiter.js');

const flush = () => new Promise((resolve) => setImmediate(resolve));

describe('BcryptLimiter', () => {
  beforeEach(() => {
    started.length = 0;
    compare.mockClear();
  });

  it('runs at most `concurrency` compares and starts the next as one finishes, in order', async () => {
    const limiter = new BcryptLimiter({ concurrency: 2 });
    const results = Array.from({ length: 4 }, (_, i) => limiter.compare(`p${i}`, 'hash'));
    await flush();
    expect(started.map((s) => s.plain)).toEqual(['p0', 'p1']);

    started[0].settle(true);
    await expect(results[0]).resolves.toBe(true);
    await flush();
    expect(started.map((s) => s.plain)).toEqual(['p0', 'p1', 'p2']);

    started[1].fail(new Error('bcrypt failed'));
    await expect(results[1]).rejects.toThrow('bcrypt failed');
    await flush();
    expect(started).toHaveLength(4); // a failed compare frees its slot too

    for (const s of started.slice(2)) s.settle(false);
    await Promise.all(results.slice(2));
  });

  it('serves waiting client-secret checks before waiting passwords', async () => {
    const limiter = new BcryptLimiter({ concurrency: 1 });
    const first = limiter.compare('running', 'hash');
    const password = limiter.compare('password', 'hash', 'password');
    const secret = limiter.compare('secret', 'hash', 'client-secret');
    await flush();
    started[0].settle(true);
    await first;
    await flush();
    expect(started.map((s) => s.plain)).toEqual(['running', 'secret']);
    started[1].settle(true);
    await secret;
    await flush();
    expect(started.map((s) => s.plain)).toEqual(['running', 'secret', 'password']);
    started[2].settle(false);
    await password;
  });

  it('refuses a caller at once when its lane is full, without touching the other lane', async () => {
    const limiter = new BcryptLimiter({ concurrency: 1, maxWaiting: 2 });
    const held = [limiter.compare('a', 'h'), limiter.compare('b', 'h'), limiter.compare('c', 'h')];
    await expect(limiter.compare('d', 'h')).rejects.toBeInstanceOf(BcryptQueueFullError);
    expect(limiter.waitingCount('password')).toBe(2);
    const secret = limiter.compare('s', 'h', 'client-secret');
    expect(limiter.waitingCount('client-secret')).toBe(1);
    for (let i = 0; i < 4; i++) {
      await flush();
      started[i].settle(true);
    }
    await Promise.all([...held, secret]);
  });

  it('compares a $2y$ hash as $2b$', async () => {
    const limiter = new BcryptLimiter();
    const result = limiter.compare('x', '$2y$04$abc');
    await flush();
    expect(started[0].hash).toBe('$2b$04$abc');
    started[0].settle(true);
    await result;
    expect(normalizeBcryptHash('$2a$04$abc')).toBe('$2a$04$abc');
  });
});
