import type { FastifyRequest } from 'fastify';

const ROUTE_URL = Symbol('sympauthy.routeUrl');

type RouteUrlRequest = FastifyRequest & { [ROUTE_URL]?: string | null };

/**
 * The path of the route `request` matched, as registered (`/api/oauth2/token`), or `undefined`
 * when none did. Read once per request: Fastify's `request.routeOptions` is a getter that builds a
 * twelve-field object on every call, and the CORS hooks, the DPoP guard and the metrics each ask.
 */
export function routeUrl(request: FastifyRequest): string | undefined {
  const cached = (request as RouteUrlRequest)[ROUTE_URL];
  if (cached !== undefined) return cached ?? undefined;
  const url = request.routeOptions.url;
  (request as RouteUrlRequest)[ROUTE_URL] = url ?? null;
  return url;
}
