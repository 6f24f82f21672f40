import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DynamicModule, Type } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import { stringify } from 'yaml';
import { createApp } from '../../src/app.factory.js';
import { LoadedConfiguration, loadConfiguration } from '../../src/config/load-configuration.js';
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

export interface TestApp {
  app: NestFastifyApplication;
  configuration: LoadedConfiguration;
  /** The HTTP server for supertest. */
  server: ReturnType<NestFastifyApplication['getHttpServer']>;
  /** Every log line the app wrote, as text. */
  logs: string[];
  close(): Promise<void>;
}

/** Starts the real Nest app from config files written by the test (no listener: supertest). */
export async function startTestApp(
  config: Record<string, unknown> | string,
  options: { extensions?: (Type<unknown> | DynamicModule)[]; env?: Record<string, string | undefined> } = {},
): Promise<TestApp> {
  const file = writeConfig(config);
  const env = options.env ?? {};
  const configuration = loadConfiguration({ files: [file], env });
  const logs: string[] = [];
  const logger = new JsonLogger(createPino({ write: (line: string) => { logs.push(line); } }, 'info'));
  const app = await createApp(configuration, { logger, extensions: options.extensions, env });
  await app.getHttpAdapter().getInstance().ready();
  return { app, configuration, server: app.getHttpServer(), logs, close: () => app.close() };
}
