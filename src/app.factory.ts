import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppModule, AppOptions } from './app.module.js';
import { OAuthExceptionFilter } from './common/oauth-exception.filter.js';
import { registerHttpSetup } from './common/http-setup.js';
import { Environment, fastifyTrustProxy } from './config/environment.js';
import { registerCors } from './cors/cors-hooks.js';
import { CorsPolicy } from './cors/cors-policy.js';
import { ConfigurationSnapshot } from './live-config/configuration-snapshot.js';
import { JsonLogger } from './observability/json-logger.js';
import { Metrics } from './observability/metrics.js';
import { registerRequestLog } from './observability/request-log.js';
import { registerOAuthOutcome } from './observability/request-outcome.js';

export interface CreateAppOptions extends AppOptions {
  logger?: JsonLogger | false;
}

/**
 * Builds the Nest application on the Fastify adapter with the HTTP behaviour every route shares
 * (strict form parsing, 64 KiB body limit, OAuth error rendering, CORS, metrics, request log). Used by
 * `main.ts` and by the e2e tests, so both run the same app.
 */
export async function createApp(configuration: ConfigurationSnapshot, environment: Environment, options: CreateAppOptions = {}): Promise<NestFastifyApplication> {
  const logger = options.logger === undefined ? JsonLogger.toStdout() : options.logger;
  const adapter = new FastifyAdapter({
    logger: false,
    bodyLimit: 64 * 1024,
    trustProxy: fastifyTrustProxy(environment.trustProxy),
    requestIdHeader: 'x-request-id',
    genReqId: () => crypto.randomUUID(),
    routerOptions: { ignoreTrailingSlash: false, maxParamLength: 200 },
  });
  registerHttpSetup(adapter.getInstance());
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(configuration, environment, options), adapter, {
    bodyParser: false,
    logger: logger === false ? false : logger,
    abortOnError: false,
  });
  app.useGlobalFilters(new OAuthExceptionFilter());
  registerOAuthOutcome(adapter.getInstance());
  registerCors(adapter.getInstance(), app.get(CorsPolicy));
  app.get(Metrics).observeHttp(adapter.getInstance());
  if (logger) registerRequestLog(adapter.getInstance(), logger.requests);
  for (const warning of configuration.warnings) (logger || console).warn(warning, 'Configuration');
  await app.init();
  return app;
}
