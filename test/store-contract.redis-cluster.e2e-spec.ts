import { StoreUnavailableError } from '../src/store/store-errors.js';
import { describeStoreContract } from './store-contract.js';
import { RedisCluster, uniqueKeyPrefix } from './support/redis-servers.js';
import { connectedRedisStores, testRedisOptions } from './support/redis-stores.js';

/** The store contract against a three-node Redis Cluster this file starts and stops. */
let cluster: RedisCluster;
beforeAll(async () => { cluster = await RedisCluster.start(); }, 60_000);
afterAll(async () => cluster?.stop());

describeStoreContract('redis cluster (3 masters)', () => connectedRedisStores(testRedisOptions({ cluster: cluster.seeds, keyPrefix: uniqueKeyPrefix('contract') })));

describe('Redis Cluster with a master down', () => {
  it('fails the operations on its slots with StoreUnavailableError within the command timeout, and serves the others', async () => {
    const t = await connectedRedisStores(testRedisOptions({ cluster: cluster.seeds, keyPrefix: uniqueKeyPrefix('down') }, { commandTimeoutMs: 500 }));
    try {
      // Ids spread over the slots of all three masters.
      const ids = Array.from({ length: 30 }, (_, i) => `id-${i}`);
      expect(await Promise.all(ids.map((id) => t.replay.rememberOnce(id, 60_000)))).toEqual(ids.map(() => true));
      await cluster.node(0).halt();
      const started = Date.now();
      const results = await Promise.allSettled(ids.map((id) => t.replay.rememberOnce(id, 60_000)));
      expect(Date.now() - started).toBeLessThan(3_000);
      const failures = results.filter((r): r is PromiseRejectedResult => r.status === 'rejected');
      expect(failures.length).toBeGreaterThan(0);
      expect(failures.every((f) => f.reason instanceof StoreUnavailableError)).toBe(true);
      // The keys of the live masters still answer: already remembered.
      const answers = results.filter((r): r is PromiseFulfilledResult<boolean> => r.status === 'fulfilled');
      expect(answers.length).toBeGreaterThan(0);
      expect(answers.every((a) => a.value === false)).toBe(true);
    } finally {
      await t.close();
    }
  });
});
