import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { OAuthError } from '../common/oauth-error.js';
import { ENDPOINT_PATHS } from '../common/endpoint-paths.js';
import type { CorsPolicy } from './cors-policy.js';
import { routeUrl } from '../common/route-url.js';

/** Read by any page: the metadata and the public keys. Answers carry `Access-Control-Allow-Origin: *`. */
export const PUBLIC_CORS_PATHS: readonly string[] = [
  '/.well-known/openid-configuration',
  '/.well-known/oauth-authorization-server',
  ENDPOINT_PATHS.jwks,
];

/** Read only by the pages of the client named in the request; the methods each one serves. */
export const CLIENT_CORS_PATHS: Readonly<Record<string, readonly string[]>> = {
  [ENDPOINT_PATHS.token]: ['POST'],
  [ENDPOINT_PATHS.pushedAuthorizationRequest]: ['POST'],
  [ENDPOINT_PATHS.revocation]: ['POST'],
  [ENDPOINT_PATHS.introspection]: ['POST'],
  [ENDPOINT_PATHS.userinfo]: ['GET', 'POST'],
};

/** Request headers a client page may send: client authentication, bearer token, body type, DPoP proof. */
const CLIENT_ALLOWED_HEADERS = 'Authorization, Content-Type, DPoP';
/** Response headers a client page may read besides the safelisted ones: the challenge, a DPoP nonce. */
const CLIENT_EXPOSED_HEADERS = 'WWW-Authenticate, DPoP-Nonce';
/** Seconds a browser may cache a preflight answer (Chromium caps it at 7200). */
const PREFLIGHT_MAX_AGE = '600';

type CorsRequest = FastifyRequest & { corsAllowedOrigin?: string };

/**
 * CORS for a browser application (a public SPA), by hand rather than with `@fastify/cors`:
 * the decision for an actual request depends on the client it names — read from the parsed body
 * or the bearer token, so after body parsing — and a request from an origin that client does not
 * allow is refused before any handler runs; a delegate per request in `@fastify/cors` gives
 * neither. The authorization endpoint and the sign-in form are never CORS-enabled: they are
 * pages, not APIs. `docs/cors.md` describes every answer.
 */
export function registerCors(fastify: FastifyInstance, policy: CorsPolicy): void {
  for (const url of PUBLIC_CORS_PATHS) {
    fastify.route({ method: 'OPTIONS', url, handler: (request, reply) => answerPublicPreflight(request, reply) });
  }
  for (const [url, methods] of Object.entries(CLIENT_CORS_PATHS)) {
    fastify.route({ method: 'OPTIONS', url, handler: (request, reply) => answerClientPreflight(policy, methods, request, reply) });
  }

  fastify.addHook('preHandler', (request: CorsRequest, reply: FastifyReply, done: () => void) => {
    const route = routeUrl(request);
    const origin = request.headers.origin;
    if (origin === undefined || request.method === 'OPTIONS' || route === undefined || !Object.hasOwn(CLIENT_CORS_PATHS, route)) {
      done();
      return;
    }
    const clientId = route === ENDPOINT_PATHS.userinfo
      ? policy.clientOfBearerRequest(request.headers.authorization, request.body)
      : policy.clientOfClientRequest(request.headers.authorization, request.body);
    const decision = policy.decide(clientId, origin);
    if (decision === 'refuse' && clientId !== undefined) {
      refuse(reply, origin, clientId);
      return;
    }
    if (decision === 'allow') request.corsAllowedOrigin = origin;
    done();
  });

  fastify.addHook('onSend', (request: CorsRequest, reply: FastifyReply, payload: unknown, done: (error: null, payload: unknown) => void) => {
    const route = routeUrl(request);
    if (route !== undefined && request.method !== 'OPTIONS') {
      if (PUBLIC_CORS_PATHS.includes(route)) {
        void reply.header('access-control-allow-origin', '*');
      } else if (Object.hasOwn(CLIENT_CORS_PATHS, route)) {
        addVaryOrigin(reply);
        if (request.corsAllowedOrigin !== undefined) {
          void reply.headers({ 'access-control-allow-origin': request.corsAllowedOrigin, 'access-control-expose-headers': CLIENT_EXPOSED_HEADERS });
        }
      }
    }
    done(null, payload);
  });
}

function answerPublicPreflight(request: FastifyRequest, reply: FastifyReply): void {
  if (!isPreflight(request)) {
    void reply.code(204).header('allow', 'GET, HEAD, OPTIONS').send();
    return;
  }
  void reply.code(204).headers({
    'access-control-allow-origin': '*',
    'access-control-allow-methods': 'GET, HEAD',
    'access-control-allow-headers': '*',
    'access-control-max-age': PREFLIGHT_MAX_AGE,
  }).send();
}

function answerClientPreflight(policy: CorsPolicy, methods: readonly string[], request: FastifyRequest, reply: FastifyReply): void {
  addVaryOrigin(reply);
  if (!isPreflight(request)) {
    void reply.code(204).header('allow', [...methods, 'OPTIONS'].join(', ')).send();
    return;
  }
  const origin = request.headers.origin!;
  const method = String(request.headers['access-control-request-method']);
  if (!policy.isAllowedForSomeClient(origin)) {
    sendError(reply, OAuthError.invalidRequest(`origin ${printable(origin)} is not allowed for any client`, 403));
    return;
  }
  if (!methods.includes(method)) {
    sendError(reply, OAuthError.invalidRequest(`method ${printable(method)} is not allowed here (${methods.join(', ')})`, 403));
    return;
  }
  void reply.code(204).headers({
    'access-control-allow-origin': origin,
    'access-control-allow-methods': methods.join(', '),
    'access-control-allow-headers': CLIENT_ALLOWED_HEADERS,
    'access-control-max-age': PREFLIGHT_MAX_AGE,
  }).send();
}

/** An `OPTIONS` request is a CORS preflight when it carries `Origin` and `Access-Control-Request-Method`. */
function isPreflight(request: FastifyRequest): boolean {
  return request.headers.origin !== undefined && request.headers['access-control-request-method'] !== undefined;
}

function refuse(reply: FastifyReply, origin: string, clientId: string): void {
  addVaryOrigin(reply);
  sendError(reply, OAuthError.invalidRequest(`origin ${printable(origin)} is not allowed for client ${printable(clientId)}`));
}

function sendError(reply: FastifyReply, error: OAuthError): void {
  void reply.code(error.status).headers({ 'cache-control': 'no-store', pragma: 'no-cache' }).send(error.toJSON());
}

function addVaryOrigin(reply: FastifyReply): void {
  const vary = reply.getHeader('vary');
  const current = Array.isArray(vary) ? vary.join(', ') : vary === undefined ? '' : String(vary);
  if (!/(^|,)\s*(origin|\*)\s*(,|$)/i.test(current)) void reply.header('vary', current ? `${current}, Origin` : 'Origin');
}

/** Header values end up in error descriptions: keep them short and printable. */
function printable(value: string): string {
  return value.replace(/[^\x20-\x7E]/g, '?').slice(0, 100);
}
