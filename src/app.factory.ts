import 'reflect-metadata';
import { NestFactory } from '@nestjs/core';
import { FastifyAdapter, NestFastifyApplication } from '@nestjs/platform-fastify';
import { AppModule, AppOptions } from './app.module.js';
import { InFlightRequests, clientErrorAnswerer } from './common/early-answers.js';
import { frameworkErrorAnswerer } from './common/error-answer.js';
import { HTTP_LIMITS, HttpLimits, serverLimitOptions } from './common/http-limits.js';
import { OAuthExceptionFilter } from './common/oauth-exception.filter.js';
import { registerHttpSetup } from './common/http-setup.js';
import { RouteCatalogue } from './common/route-catalogue.js';
import { Environment, fastifyTrustProxy } from './config/environment.js';
import { registerCors } from './cors/cors-hooks.js';
import { CorsPolicy } from './cors/cors-policy.js';
import { ConfigurationSnapshot } from './live-config/configuration-snapshot.js';
import { JsonLogger } from './observability/json-logger.js';
import { Metrics } from './observability/metrics.js';
import { requestIdOf } from './observability/request-id.js';
import { registerRequestLog } from './observability/request-log.js';
import { registerOAuthOutcome } from './observability/request-outcome.js';

export interface CreateAppOptions extends AppOptions {
  logger?: JsonLogger | false;
  /** Overrides of the connection limits (tests shorten the timeouts); {@link HTTP_LIMITS} otherwise. */
  httpLimits?: Partial<HttpLimits>;
}

/**
 * Builds the Nest application on the Fastify adapter with the HTTP behaviour every route shares
 * (connection limits and timeouts, strict form parsing, 64 KiB body limit, OAuth error
 * rendering, 405 for unsupported methods, CORS, metrics, request log). Used by `main.ts` and by
 * the e2e tests, so both run the same app. docs/http-behaviour.md describes it.
 */
export async function createApp(configuration: ConfigurationSnapshot, environment: Environment, options: CreateAppOptions = {}): Promise<NestFastifyApplication> {
  const logger = options.logger === undefined ? JsonLogger.toStdout() : options.logger;
  const limits: HttpLimits = { ...HTTP_LIMITS, ...options.httpLimits };
  const routes = new RouteCatalogue();
  const inFlight = new InFlightRequests();
  const adapter = new FastifyAdapter({
    logger: false,
    ...serverLimitOptions(limits),
    clientErrorHandler: clientErrorAnswerer(routes, inFlight, limits),
    frameworkErrors: frameworkErrorAnswerer(routes),
    trustProxy: fastifyTrustProxy(environment.trustProxy),
    genReqId: requestIdOf,
    routerOptions: { ignoreTrailingSlash: false, maxParamLength: 200 },
  });
  registerHttpSetup(adapter.getInstance(), { routes, inFlight, limits });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(configuration, environment, options), adapter, {
    bodyParser: false,
    logger: logger === false ? false : logger,
    abortOnError: false,
  });
  app.useGlobalFilters(new OAuthExceptionFilter(routes));
  registerOAuthOutcome(adapter.getInstance());
  registerCors(adapter.getInstance(), app.get(CorsPolicy));
  app.get(Metrics).observeHttp(adapter.getInstance());
  if (logger) registerRequestLog(adapter.getInstance(), logger.requests);
  for (const warning of configuration.warnings) (logger || console).warn(warning, 'Configuration');
  await app.init();
  return app;
}
