import { MemoryAttemptCounterStore } from '../src/store/memory/memory-attempt-counter-store.js';
import { MemoryAuthorizationCodeStore } from '../src/store/memory/memory-authorization-code-store.js';
import { MemoryPushedRequestStore } from '../src/store/memory/memory-pushed-request-store.js';
import { MemoryRefreshTokenStore } from '../src/store/memory/memory-refresh-token-store.js';
import { MemoryReplayCache } from '../src/store/memory/memory-replay-cache.js';
import { MemoryRevocationStore } from '../src/store/memory/memory-revocation-store.js';
import { MemorySessionStore } from '../src/store/memory/memory-session-store.js';
import { MemoryStoreHealth } from '../src/store/memory/memory-store-health.js';
import { describeStoreContract } from './store-contract.js';

/** The store contract against the memory stores, on a clock the test moves by hand. */
describeStoreContract('memory', async () => {
  let time = 1_800_000_000_000;
  const options = { now: () => time, sweepIntervalMs: 0 };
  const stores = {
    codes: new MemoryAuthorizationCodeStore(options),
    refreshTokens: new MemoryRefreshTokenStore(options),
    revocations: new MemoryRevocationStore(options),
    attempts: new MemoryAttemptCounterStore(options),
    replay: new MemoryReplayCache(options),
    sessions: new MemorySessionStore(options),
    pushedRequests: new MemoryPushedRequestStore(options),
  };
  return {
    ...stores,
    health: new MemoryStoreHealth(),
    now: () => time,
    advance: async (ms) => { time += ms; },
    close: async () => { for (const store of Object.values(stores)) store.close(); },
  };
});
