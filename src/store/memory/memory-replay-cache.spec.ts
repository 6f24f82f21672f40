import { StoreCapacityError } from './expiring-map.js';
import { MemoryReplayCache } from './memory-replay-cache.js';

/** A replay cache of `maxEntries` ids per kind, on a clock the test moves. */
function cacheOf(maxEntries: number) {
  let time = 1_800_000_000_000;
  const cache = new MemoryReplayCache({ maxEntries, now: () => time, sweepIntervalMs: 0 });
  return { cache, advance: (ms: number) => { time += ms; } };
}

describe('MemoryReplayCache limits', () => {
  it('refuses a new id once a kind is full (503), rather than forget a live one', async () => {
    const { cache } = cacheOf(3);
    for (const id of ['dpop:a', 'dpop:b', 'dpop:c']) expect(await cache.rememberOnce(id, 60_000)).toBe(true);
    await expect(cache.rememberOnce('dpop:d', 60_000)).rejects.toBeInstanceOf(StoreCapacityError);
    expect(await cache.rememberOnce('dpop:a', 60_000)).toBe(false);
  });

  it('keeps each kind apart: DPoP proof ids filling their limit never refuse a sign-in form', async () => {
    const { cache } = cacheOf(2);
    await cache.rememberOnce('dpop:a', 60_000);
    await cache.rememberOnce('dpop:b', 60_000);
    await expect(cache.rememberOnce('dpop:c', 60_000)).rejects.toBeInstanceOf(StoreCapacityError);
    expect(await cache.rememberOnce('sign-in:form-1', 60_000)).toBe(true);
    expect(await cache.rememberOnce('sign-in:form-1', 60_000)).toBe(false);
  });

  it('makes room from expired ids when full, sweeping at most once a second', async () => {
    const { cache, advance } = cacheOf(2);
    await cache.rememberOnce('dpop:short', 500);
    await cache.rememberOnce('dpop:long', 60_000);
    await expect(cache.rememberOnce('dpop:x', 60_000)).rejects.toBeInstanceOf(StoreCapacityError);
    advance(600); // dpop:short has expired, but the last sweep of the full map was 0.6 s ago
    await expect(cache.rememberOnce('dpop:y', 60_000)).rejects.toBeInstanceOf(StoreCapacityError);
    advance(500);
    expect(await cache.rememberOnce('dpop:z', 60_000)).toBe(true);
    expect(await cache.rememberOnce('dpop:long', 60_000)).toBe(false);
  });
});
