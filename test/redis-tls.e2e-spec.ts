import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { StoreConfig } from '../src/config/sympauthy-config.js';
import { RedisConnection } from '../src/store/redis/redis-connection.js';
import { redisStoreOptionsFromConfig } from '../src/store/redis/redis-store-options.js';
import { StoreUnavailableError } from '../src/store/store-errors.js';
import { RedisServer, type RedisTlsFiles, makeTlsFiles, uniqueKeyPrefix } from './support/redis-servers.js';
import { redisStoresOver, silentLogger } from './support/redis-stores.js';

/**
 * `rediss://` with the `store.tls` files and `store.password`, against a redis-server that speaks
 * TLS only, requires a client certificate from its CA and a password: the store section as an
 * operator writes it (files read by redisStoreOptionsFromConfig), connected for real.
 */
describe('the Redis store over TLS with a password', () => {
  let dir: string;
  let files: RedisTlsFiles;
  let server: RedisServer;
  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'sympauthy-tls-'));
    files = await makeTlsFiles(dir);
    server = await RedisServer.start(['--requirepass', 'redis-secret'], files);
  }, 60_000);
  afterAll(async () => {
    await server?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  /** Connects with a store section; resolves with the answer of one operation, or the store error. */
  async function tryStore(store: Partial<StoreConfig>): Promise<boolean | StoreUnavailableError> {
    const options = redisStoreOptionsFromConfig({ type: 'redis', url: `rediss://127.0.0.1:${server.port}`, keyPrefix: uniqueKeyPrefix('tls'), ...store });
    const connection = new RedisConnection({ ...options, connectTimeoutMs: 2_000, maxReconnectDelayMs: 200 }, silentLogger);
    try {
      await connection.connect();
      return await redisStoresOver(connection).replay.rememberOnce('id', 1_000);
    } catch (e) {
      if (e instanceof StoreUnavailableError) return e;
      throw e;
    } finally {
      await connection.close();
    }
  }

  const trusted = () => ({ caFile: files.ca, certFile: files.clientCert, keyFile: files.clientKey });

  it('connects with the CA, a client certificate and the password', async () => {
    expect(await tryStore({ password: 'redis-secret', tls: trusted() })).toBe(true);
  });

  it('checks the server name given in store.tls.server-name against the certificate', async () => {
    expect(await tryStore({ password: 'redis-secret', tls: { ...trusted(), serverName: 'redis.test' } })).toBe(true);
    const mismatch = await tryStore({ password: 'redis-secret', tls: { ...trusted(), serverName: 'other.test' } });
    expect(mismatch).toBeInstanceOf(StoreUnavailableError);
    expect((mismatch as Error).message).toMatch(/^redis store: connecting to 127\.0\.0\.1:\d+ failed: .*other\.test/);
  });

  it('refuses a server certificate from an unknown CA (no ca-file: the system CAs)', async () => {
    const refused = await tryStore({ password: 'redis-secret', tls: { certFile: files.clientCert, keyFile: files.clientKey } });
    expect(refused).toBeInstanceOf(StoreUnavailableError);
    expect((refused as Error).message).toMatch(/certificate/);
  });

  it('fails cleanly without the client certificate or with a wrong password', async () => {
    expect(await tryStore({ password: 'redis-secret', tls: { caFile: files.ca } })).toBeInstanceOf(StoreUnavailableError);
    const wrong = await tryStore({ password: 'not-it', tls: trusted() });
    expect(wrong).toBeInstanceOf(StoreUnavailableError);
    expect((wrong as Error).message).toMatch(/WRONGPASS/);
    expect((wrong as Error).message).not.toContain('not-it');
  });
});
