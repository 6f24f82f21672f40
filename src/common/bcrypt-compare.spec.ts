import { jest } from '@jest/globals';
import { availableParallelism } from 'node:os';

// bcrypt.compare replaced by promises the test settles by hand, to observe how many run at once.
const started: { plain: string; settle: (ok: boolean) => void; fail: (e: Error) => void }[] = [];
const compare = jest.fn(
  (plain: string) =>
    new Promise<boolean>((resolve, reject) => started.push({ plain, settle: resolve, fail: reject })),
);
jest.unstable_mockModule('bcrypt', () => ({ default: { compare } }));
const { bcryptCompare } = await import('./bcrypt-compare.js');

const flush = () => new Promise((resolve) => setImmediate(resolve));

describe('bcryptCompare', () => {
  const cores = availableParallelism();

  beforeEach(() => {
    started.length = 0;
    compare.mockClear();
  });

  it('runs at most one compare per core and starts the next as one finishes, in order', async () => {
    const results = Array.from({ length: cores + 2 }, (_, i) => bcryptCompare(`p${i}`, 'hash'));
    await flush();
    expect(started.map((s) => s.plain)).toEqual(Array.from({ length: cores }, (_, i) => `p${i}`));

    started[0].settle(true);
    await expect(results[0]).resolves.toBe(true);
    await flush();
    expect(started.map((s) => s.plain)).toEqual(Array.from({ length: cores + 1 }, (_, i) => `p${i}`));

    started[1].fail(new Error('bcrypt failed'));
    await expect(results[1]).rejects.toThrow('bcrypt failed');
    await flush();
    expect(started).toHaveLength(cores + 2); // a failed compare frees its slot too

    for (const s of started.slice(2)) s.settle(false);
    await Promise.all(results.slice(2));
  });

  it('starts a compare at once when a slot is free', async () => {
    const result = bcryptCompare('alone', 'hash');
    await flush();
    expect(started.map((s) => s.plain)).toEqual(['alone']);
    started[0].settle(false);
    await expect(result).resolves.toBe(false);
  });
});
