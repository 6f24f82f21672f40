import 'reflect-metadata';
import { constants } from 'node:os';
import { ConfigService } from '@nestjs/config';
import { createApp } from './app.factory.js';
import { ConfigurationError } from './config/config-errors.js';
import { ListenerConfig } from './config/listener-config.js';
import { moduleStartupFailure, validateStartup } from './config/startup-validation.js';
import { Readiness } from './health/readiness.js';
import { loadExtensionModules } from './extensions/extension-loader.js';
import { JsonLogger } from './observability/json-logger.js';

/**
 * Starts the server: validate the whole configuration (exit 2 with every problem listed),
 * build the app, listen on HOST:PORT. On SIGTERM/SIGINT: fail readiness at once, keep serving
 * for the drain delay, stop accepting connections, finish requests in flight, exit 0. A second
 * signal during that time exits at once, with 128 + the signal's number (130 for SIGINT).
 */
async function main(): Promise<void> {
  const logger = JsonLogger.toStdout();
  let configuration;
  let app;
  try {
    configuration = validateStartup(process.env);
    const extensions = await loadExtensionModules(process.env);
    app = await createApp(configuration, { logger, extensions });
  } catch (e) {
    logger.flush();
    process.stderr.write(`${e instanceof ConfigurationError ? e.message : moduleStartupFailure(e)}\n`);
    process.exit(2);
  }
  const listener = app.get(ConfigService).get<ListenerConfig>('listener')!;
  await app.listen({ port: listener.port, host: listener.host });
  const address = app.getHttpServer().address();
  const bound = typeof address === 'object' && address ? `${address.address}:${address.port}` : `${listener.host}:${listener.port}`;
  logger.log(`listening on ${bound}, issuer ${configuration.issuer}, ` +
    `${configuration.clients.all.length} client(s), store ${configuration.parsed.store.type}`, 'Bootstrap');

  let stopping = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn(`${signal} again: exiting now, requests in flight are cut`, 'Shutdown');
      logger.flush();
      process.exit(128 + constants.signals[signal]);
    }
    stopping = true;
    app.get(Readiness).startDraining();
    logger.log(`${signal}: not ready, draining for ${listener.drainDelayMs} ms` +
      (listener.drainDelayMs > 0 ? ' (send it again to exit at once)' : ''), 'Shutdown');
    setTimeout(() => {
      app.close().then(
        () => { logger.log('stopped', 'Shutdown'); logger.flush(); process.exit(0); },
        (e: unknown) => { logger.error(`shutdown failed: ${String(e)}`, 'Shutdown'); logger.flush(); process.exit(1); },
      );
    }, listener.drainDelayMs).unref();
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
}

main().catch((e: unknown) => {
  process.stderr.write(`fatal: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
