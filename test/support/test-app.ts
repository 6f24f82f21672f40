import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DynamicModule, Type } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { stringify } from 'yaml';
import { createApp } from '../../src/app.factory.js';
import type { HttpLimits } from '../../src/common/http-limits.js';
import { validateEnvironment } from '../../src/config/environment.js';
import { ConfigurationSnapshot } from '../../src/live-config/configuration-snapshot.js';
import { loadConfiguration } from '../../src/live-config/load-configuration.js';
import { declaredGrantTypes } from '../../src/token/grant-handler.js';
import { JsonLogger, createPino } from '../../src/observability/json-logger.js';

export const TEST_ROOT = 'http://issuer.test';
export const ALICE_PASSWORD = 'alice-password';
/** bcrypt (cost 4) of {@link ALICE_PASSWORD}, made once for the tests. */
export const ALICE_HASH = '$2b$04$j6z0SLknq3hgXOZ.EujfCO.zEv3nCL8e5uhPmURfObpNapo6ZWEUe';

/** Writes a YAML config file into a fresh temp dir and returns its path. */
export function writeConfig(config: Record<string, unknown> | string, name = 'sympauthy.yml'): string {
  const dir = mkdtempSync(join(tmpdir(), 'sympauthy-test-'));
  const file = join(dir, name);
  writeFileSync(file, typeof config === 'string' ? config : stringify(config));
  return file;
}

/** A base configuration with one client of each kind and a user; override sections freely. */
export function baseConfig(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    urls: { root: TEST_ROOT },
    clients: {
      'web-app': { secret: 'web-secret', 'allowed-redirect-uris': ['https://app.test/callback'] },
      spa: { public: true, 'allowed-redirect-uris': ['http://127.0.0.1/callback'] },
      'svc': { secret: 'svc-secret', 'allowed-grant-types': ['client_credentials'] },
    },
    users: {
      alice: { password: ALICE_HASH, claims: { name: 'Alice Example', email: 'alice@example.com', email_verified: true, phone_number: '+33 1 23 45 67 89' } },
    },
    ...overrides,
  };
}

/** {@link baseConfig} with `clients` added to its three clients. */
export function baseConfigWithClients(clients: Record<string, unknown>, overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const base = baseConfig(overrides);
  return { ...base, clients: { ...(base.clients as Record<string, unknown>), ...clients } };
}

export interface TestApp {
  app: NestFastifyApplication;
  configuration: ConfigurationSnapshot;
  /** The HTTP server for supertest. */
  server: ReturnType<NestFastifyApplication['getHttpServer']>;
  /** Every log line the app wrote, as text. */
  logs: string[];
  close(): Promise<void>;
}

export interface TestAppOptions {
  extensions?: (Type<unknown> | DynamicModule)[];
  env?: Record<string, string | undefined>;
  /** Shorter connection timeouts for the slow-client tests. */
  httpLimits?: Partial<HttpLimits>;
  /** Level of the captured log (default info). */
  logLevel?: string;
}

/** Starts the real Nest app from config files written by the test (no listener: supertest). */
export async function startTestApp(config: Record<string, unknown> | string, options: TestAppOptions = {}): Promise<TestApp> {
  return startTestAppFromFiles([writeConfig(config)], options);
}

/** {@link startTestApp} on configuration files the test laid out itself (symlinks, several files). */
export async function startTestAppFromFiles(files: string[], options: TestAppOptions = {}): Promise<TestApp> {
  const env = options.env ?? {};
  const configuration = loadConfiguration({ files, env, extensionGrantTypes: declaredGrantTypes(options.extensions ?? []) });
  const logs: string[] = [];
  const logger = new JsonLogger(createPino({ write: (line: string) => { logs.push(line); } }, options.logLevel ?? 'info'));
  const app = await createApp(configuration, validateEnvironment(env), { logger, extensions: options.extensions, httpLimits: options.httpLimits });
  await app.getHttpAdapter().getInstance().ready();
  return { app, configuration, server: app.getHttpServer(), logs, close: () => app.close() };
}

export interface ListeningTestApp extends TestApp {
  /** `http://127.0.0.1:PORT`: the issuer, and where the app listens. */
  root: string;
}

/**
 * Starts the real app on a loopback port, for clients that make real HTTP requests (fetch).
 * `makeConfig` receives the root URL (the issuer) once the port is known.
 */
export async function startListeningTestApp(
  makeConfig: (root: string) => Record<string, unknown>,
  options: Parameters<typeof startTestApp>[1] = {},
): Promise<ListeningTestApp> {
  const port = await freeLoopbackPort();
  const root = `http://127.0.0.1:${port}`;
  const t = await startTestApp(makeConfig(root), options);
  try {
    await t.app.listen(port, '127.0.0.1');
  } catch (e) {
    await t.close();
    throw e;
  }
  return { ...t, root };
}

/** A port the OS reports free on 127.0.0.1 (asked for port 0, then released). */
async function freeLoopbackPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', reject);
    probe.listen(0, '127.0.0.1', () => {
      const address = probe.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      probe.close(() => (port ? resolve(port) : reject(new Error('no port assigned'))));
    });
  });
}
