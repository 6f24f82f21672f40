import 'reflect-metadata';
import { constants } from 'node:os';
import { createApp } from './app.factory.js';
import { moduleStartupFailure, prepareStartup } from './config/startup-validation.js';
import { Readiness } from './health/readiness.js';
import { ConfigurationReloader } from './live-config/configuration-reloader.js';
import { JsonLogger } from './observability/json-logger.js';
import { startupSummary } from './live-config/startup-summary.js';

/**
 * Starts the server: validate the environment and the whole configuration (exit 2 with every
 * problem listed), build the app, listen on HOST:PORT. On SIGTERM/SIGINT: fail readiness at once,
 * keep serving for the drain delay, stop accepting connections, finish requests in flight, exit 0.
 * A second signal during that time exits at once, with 128 + the signal's number (130 for SIGINT).
 * On SIGHUP: reload the configuration.
 */
async function main(): Promise<void> {
  let logger = JsonLogger.toStdout('info');
  let started;
  let app;
  try {
    started = await prepareStartup(process.env);
    logger = JsonLogger.toStdout(started.environment.logLevel);
    app = await createApp(started.configuration, started.environment, { logger, extensions: started.extensions });
  } catch (e) {
    logger.flush();
    process.stderr.write(`${moduleStartupFailure(e)}\n`);
    process.exit(2);
  }
  const { environment, configuration } = started;
  await app.listen({ port: environment.port, host: environment.host });
  const address = app.getHttpServer().address();
  const bound = typeof address === 'object' && address ? `${address.address}:${address.port}` : `${environment.host}:${environment.port}`;
  logger.log(startupSummary(configuration, environment, bound), 'Bootstrap');

  let stopping = false;
  const shutdown = (signal: NodeJS.Signals) => {
    if (stopping) {
      logger.warn(`${signal} again: exiting now, requests in flight are cut`, 'Shutdown');
      logger.flush();
      process.exit(128 + constants.signals[signal]);
    }
    stopping = true;
    app.get(Readiness).startDraining();
    logger.log(`${signal}: not ready, draining for ${environment.shutdownDrainDelayMs} ms` +
      (environment.shutdownDrainDelayMs > 0 ? ' (send it again to exit at once)' : ''), 'Shutdown');
    setTimeout(() => {
      app.close().then(
        () => { logger.log('stopped', 'Shutdown'); logger.flush(); process.exit(0); },
        (e: unknown) => { logger.error(`shutdown failed: ${String(e)}`, 'Shutdown'); logger.flush(); process.exit(1); },
      );
    }, environment.shutdownDrainDelayMs).unref();
  };
  process.on('SIGTERM', shutdown);
  process.on('SIGINT', shutdown);
  // Reload the configuration (live configuration, docs/live-configuration.md); without this handler SIGHUP would end the process.
  process.on('SIGHUP', () => { app.get(ConfigurationReloader).reload('SIGHUP'); });
}

main().catch((e: unknown) => {
  process.stderr.write(`fatal: ${e instanceof Error ? e.message : String(e)}\n`);
  process.exit(1);
});
