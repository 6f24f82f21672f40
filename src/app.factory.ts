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
import { LoadedConfiguration } from './config/load-configuration.js';
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
 * rendering, 405 for unsupported methods, metrics, request log). Used by `main.ts` and by the
 * e2e tests, so both run the same app. docs/http-behaviour.md describes it.
 */
export async function createApp(configuration: LoadedConfiguration, options: CreateAppOptions = {}): Promise<NestFastifyApplication> {
  const logger = options.logger === undefined ? JsonLogger.toStdout() : options.logger;
  const limits: HttpLimits = { ...HTTP_LIMITS, ...options.httpLimits };
  const routes = new RouteCatalogue();
  const inFlight = new InFlightRequests();
  const adapter = new FastifyAdapter({
    logger: false,
    ...serverLimitOptions(limits),
    clientErrorHandler: clientErrorAnswerer(routes, inFlight, limits),
    frameworkErrors: frameworkErrorAnswerer(routes),
    trustProxy: trustProxySetting((options.env ?? process.env).TRUST_PROXY),
    genReqId: requestIdOf,
    routerOptions: { ignoreTrailingSlash: false, maxParamLength: 200 },
  });
  registerHttpSetup(adapter.getInstance(), { routes, inFlight, limits });
  const app = await NestFactory.create<NestFastifyApplication>(AppModule.forRoot(configuration, options), adapter, {
    bodyParser: false,
    logger: logger === false ? false : logger,
    abortOnError: false,
  });
  app.useGlobalFilters(new OAuthExceptionFilter(routes));
  registerOAuthOutcome(adapter.getInstance());
  app.get(Metrics).observeHttp(adapter.getInstance());
  if (logger) registerRequestLog(adapter.getInstance(), logger.requests);
  for (const warning of configuration.warnings) (logger || console).warn(warning, 'Configuration');
  await app.init();
  return app;
}

/**
 * `TRUST_PROXY`: unset or `false` (default) — the TCP peer is the client address; `true` — trust
 * every `X-Forwarded-For` hop (only behind a proxy that overwrites it); a number — trust that many
 * hops; otherwise a comma-separated list of proxy addresses or CIDRs. The client address feeds
 * the per-address sign-in throttle, so trusting a header clients can set would let them evade it.
 */
export function trustProxySetting(value: string | undefined): boolean | string[] | ((address: string, hop: number) => boolean) {
  if (value === undefined || value === '' || value === 'false') return false;
  if (value === 'true') return true;
  if (/^\d+$/.test(value)) {
    const hops = Number(value);
    return (_address: string, hop: number) => hop < hops;
  }
  return value.split(',').map((v) => v.trim()).filter((v) => v.length > 0);
}
