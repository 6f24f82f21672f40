import { ServerProcess } from './node-process.js';
import { baseConfig, writeConfig, type TestApp } from './test-app.js';
import { generateTestKey, writeKeyFile } from './test-keys.js';

/**
 * Real server processes (`node dist/main.js`) on the Redis store, as replicas behind a load
 * balancer would run: the same configuration file, the same PKCS#8 PEM key files, one Redis.
 */

/** A configuration file for replicas sharing `store` (a Redis store section), with PEM key files. */
export function replicaConfig(store: Record<string, unknown>): string {
  return writeConfig(baseConfig({
    keys: {
      'access-token': [{ id: 'at-replicas', algorithm: 'ES256', 'private-key-file': writeKeyFile(generateTestKey('ES256').pem, 'access-token.pem') }],
      'id-token': [{ id: 'it-replicas', algorithm: 'ES256', 'private-key-file': writeKeyFile(generateTestKey('ES256').pem, 'id-token.pem') }],
    },
    store: { type: 'redis', ...store },
  }));
}

/** Starts `count` server processes on one configuration file. */
export async function startReplicas(configFile: string, count: number): Promise<ServerProcess[]> {
  return Promise.all(Array.from({ length: count }, () => ServerProcess.start({ SYMPAUTHY_CONFIG: configFile, SHUTDOWN_DRAIN_DELAY: '0s' })));
}

/**
 * A running server as the test helpers' target: supertest takes a base URL where it takes an
 * app, so the helpers written for in-process apps (obtainCode, exchangeCode…) drive a process.
 */
export function over(server: ServerProcess): TestApp {
  return { server: server.url } as unknown as TestApp;
}
