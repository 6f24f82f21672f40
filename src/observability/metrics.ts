import { Injectable } from '@nestjs/common';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { ENDPOINT_PATHS } from '../common/endpoint-paths.js';
import type { OutcomeRequest } from './request-outcome.js';
import { routeUrl } from '../common/route-url.js';

const SIGN_IN_OUTCOMES = ['success', 'wrong_credentials', 'throttled'] as const;
export type SignInOutcome = (typeof SIGN_IN_OUTCOMES)[number];

/**
 * The Prometheus metrics served at `GET /metrics`, in a registry of this application (not
 * prom-client's global one, so several apps in one process — the tests — stay apart):
 *
 * - `sympauthy_http_request_duration_seconds{method,route,status}` — every answer; `route` is
 *   the route template (`unmatched` for a 404), never the raw path, so the label set is bounded;
 * - `sympauthy_token_requests_total{grant_type,outcome}` — the token endpoint by grant type
 *   (`none` when it was missing or unsupported) and outcome (`issued` or the OAuth error code);
 * - `sympauthy_sign_in_attempts_total{outcome}` — `success`, `wrong_credentials`, `throttled`;
 * - Node's process metrics (`process_*`, `nodejs_*`: CPU, memory, event loop lag, GC).
 *
 * Labels hold no client id, username, address or token: bounded cardinality and nothing secret.
 */
@Injectable()
export class Metrics {
  readonly registry = new Registry();
  private readonly httpDuration = new Histogram({
    name: 'sympauthy_http_request_duration_seconds',
    help: 'Time to answer an HTTP request, by method, route template and status.',
    labelNames: ['method', 'route', 'status'] as const,
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 10],
    registers: [this.registry],
  });
  private readonly tokenRequests = new Counter({
    name: 'sympauthy_token_requests_total',
    help: 'Token endpoint requests by grant type and outcome (issued or the OAuth error code).',
    labelNames: ['grant_type', 'outcome'] as const,
    registers: [this.registry],
  });
  private readonly signIns = new Counter({
    name: 'sympauthy_sign_in_attempts_total',
    help: 'Sign-in form submissions with credentials, by outcome.',
    labelNames: ['outcome'] as const,
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry });
    for (const outcome of SIGN_IN_OUTCOMES) this.signIns.labels(outcome).inc(0);
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  /** Observes every answer of `fastify` (an `onResponse` hook: after the reply is sent). */
  observeHttp(fastify: FastifyInstance): void {
    fastify.addHook('onResponse', (request: FastifyRequest, reply: FastifyReply, done: () => void) => {
      const route = routeUrl(request) ?? 'unmatched';
      const status = reply.statusCode;
      this.httpDuration.observe({ method: request.method, route, status }, reply.elapsedTime / 1000);
      if (route === ENDPOINT_PATHS.token && request.method === 'POST') { // not the CORS preflights
        const { grantType, oauthError } = request as OutcomeRequest;
        this.tokenRequests.inc({ grant_type: grantType ?? 'none', outcome: status < 400 ? 'issued' : oauthError ?? 'error' });
      }
      done();
    });
  }

  signIn(outcome: SignInOutcome): void {
    this.signIns.inc({ outcome });
  }

  render(): Promise<string> {
    return this.registry.metrics();
  }
}
