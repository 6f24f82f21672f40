import { RouteConfig } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest, RouteOptions, onRequestHookHandler } from 'fastify';

export const NO_STORE_HEADERS: Readonly<Record<string, string>> = Object.freeze({ 'cache-control': 'no-store', pragma: 'no-cache' });

const NO_STORE = 'sympauthyNoStore';

/**
 * Marks a route that hands out or reveals tokens (RFC 6749 §5.1): every answer carries
 * `Cache-Control: no-store` and `Pragma: no-cache`, errors included. The headers are set by a
 * route-level `onRequest` hook that {@link addNoStoreHook} gives the marked routes as Fastify
 * registers them — not by a Nest interceptor, whose RxJS pipeline measured ~8 % of the token
 * endpoint's CPU, nor by a global hook reading `request.routeOptions` (a getter that builds a
 * twelve-field object on every call).
 */
export const NoStore = (): MethodDecorator => RouteConfig({ [NO_STORE]: true });

function setNoStore(_request: FastifyRequest, reply: FastifyReply, done: () => void): void {
  void reply.headers(NO_STORE_HEADERS);
  done();
}

/** From an `onRoute` hook: a route marked {@link NoStore} gets the hook that sets the headers, first. */
export function addNoStoreHook(route: RouteOptions): void {
  if ((route.config as Record<string, unknown> | undefined)?.[NO_STORE] !== true) return;
  const existing = route.onRequest === undefined ? [] : Array.isArray(route.onRequest) ? route.onRequest : [route.onRequest];
  route.onRequest = [setNoStore as onRequestHookHandler, ...existing];
}
