import { describeStoreContract } from './store-contract.js';
import { sharedRedis, uniqueKeyPrefix } from './support/redis-servers.js';
import { connectedRedisStores, testRedisOptions } from './support/redis-stores.js';

/** The store contract against one Redis node: the machine's on 6379, each test under its own key prefix. */
let redis: Awaited<ReturnType<typeof sharedRedis>>;
beforeAll(async () => { redis = await sharedRedis(); });
afterAll(async () => redis.release());

describeStoreContract('redis (single node)', () => connectedRedisStores(testRedisOptions({ url: redis.url, keyPrefix: uniqueKeyPrefix('contract') })));
