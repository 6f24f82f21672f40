import type { IncomingMessage } from 'node:http';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { InFlightRequests, answerRequestsNodeHandles } from './early-answers.js';
import { FormBody } from './form-body.js';
import { addNoStoreHook } from './no-store.js';
import type { HttpLimits } from './http-limits.js';
import { OAuthError } from './oauth-error.js';
import { RouteCatalogue } from './route-catalogue.js';

export interface HttpSetup {
  routes: RouteCatalogue;
  inFlight: InFlightRequests;
  limits: HttpLimits;
}

const catalogues = new WeakMap<FastifyInstance, RouteCatalogue>();

/**
 * Behaviour every route shares, registered on the Fastify instance before Nest adds its routes:
 *
 * - body parsing: form bodies are parsed strictly into a {@link FormBody}, any other body is
 *   read and marked as not form-encoded, so that the OAuth endpoints answer `invalid_request`
 *   rather than a framework error; both within the body limit;
 * - the route catalogue (methods per path, error format per path) behind `405` + `Allow`;
 * - the Host header that HTTP/1.1 requires, checked here so that its absence is answered in the
 *   endpoint's error format;
 * - no answer leaves before its request has fully arrived: when an answer is ready first (413,
 *   a route that reads no body), the rest is read and discarded for at most
 *   {@link HttpLimits.bodyDrainMs}, so that a client still sending is not cut off before it
 *   reads the answer;
 * - the requests Node answers itself (`CONNECT`, `Expect`), see early-answers.ts.
 *
 * Errors Fastify raises before a route handler runs reach Nest's exception layer and are
 * rendered by {@link OAuthExceptionFilter} via `fastifyErrorToOAuth`.
 */
export function registerHttpSetup(fastify: FastifyInstance, { routes, inFlight, limits }: HttpSetup): void {
  catalogues.set(fastify, routes);
  fastify.server.maxHeadersCount = limits.maxHeaderCount;
  answerRequestsNodeHandles(fastify.server, routes, limits);
  fastify.addHook('onRoute', (route) => {
    routes.record(route);
    addNoStoreHook(route);
  });

  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'buffer', bodyLimit: limits.maxBodyBytes },
    (_req: FastifyRequest, body: Buffer, done: (err: Error | null, body?: unknown) => void) => done(null, FormBody.parse(body)));
  fastify.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: limits.maxBodyBytes },
    (req: FastifyRequest, _body: Buffer, done: (err: Error | null, body?: unknown) => void) =>
      done(null, FormBody.notForm(req.headers['content-type'])));

  fastify.addHook('onRequest', (request: FastifyRequest, reply: FastifyReply, done: (err?: Error) => void) => {
    inFlight.start(request.raw, reply.raw);
    done(hostHeaderProblem(request.raw));
  });
  fastify.addHook('onSend', (request: FastifyRequest, reply: FastifyReply, payload: unknown, done: (err: null, payload: unknown) => void) => {
    if (request.raw.complete || request.raw.destroyed) {
      done(null, payload);
      return;
    }
    void drainRequestBody(request.raw, limits.bodyDrainMs).then((complete) => {
      // Fastify asks for a close after a body error because the rest of the body may still
      // come; once it has all been read, the connection can serve the next request.
      if (complete) reply.removeHeader('connection');
      else void reply.header('connection', 'close');
      done(null, payload);
    });
  });
  fastify.addHook('onResponse', (request: FastifyRequest, reply: FastifyReply, done: () => void) => {
    inFlight.finish(request.raw, reply.raw);
    done();
  });
}

/** The routes of an app built by `createApp` (the HTTP fuzzer covers each of them). */
export function routeCatalogueOf(fastify: FastifyInstance): RouteCatalogue {
  const routes = catalogues.get(fastify);
  if (!routes) throw new Error('this Fastify instance was not set up by registerHttpSetup');
  return routes;
}

/** RFC 9112 §3.2: an HTTP/1.1 request must carry exactly one Host header. */
function hostHeaderProblem(request: IncomingMessage): OAuthError | undefined {
  if (request.httpVersion !== '1.1') return undefined;
  let count = 0;
  for (let i = 0; i < request.rawHeaders.length; i += 2) {
    if (request.rawHeaders[i].length === 4 && request.rawHeaders[i].toLowerCase() === 'host') count++;
  }
  if (count === 1) return undefined;
  return OAuthError.invalidRequest(count === 0 ? 'an HTTP/1.1 request needs a Host header' : 'the request has more than one Host header');
}

/**
 * Reads and discards what is left of a request body. Resolves `true` once it has all arrived,
 * `false` if the client closed or `ms` passed first.
 */
function drainRequestBody(request: IncomingMessage, ms: number): Promise<boolean> {
  return new Promise((resolve) => {
    const settle = () => {
      clearTimeout(timer);
      request.off('end', settle).off('close', settle).off('error', settle);
      resolve(request.complete);
    };
    const timer = setTimeout(settle, ms);
    request.on('end', settle).on('close', settle).on('error', settle);
    request.resume();
  });
}
