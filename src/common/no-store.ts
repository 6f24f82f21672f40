import { RouteConfig } from '@nestjs/platform-fastify';
import type { FastifyRequest } from 'fastify';

export const NO_STORE_HEADERS: Readonly<Record<string, string>> = Object.freeze({ 'cache-control': 'no-store', pragma: 'no-cache' });

const NO_STORE = 'sympauthyNoStore';

/**
 * Marks a route that hands out or reveals tokens (RFC 6749 §5.1): every answer carries
 * `Cache-Control: no-store` and `Pragma: no-cache`, errors included. The headers are set by the
 * one `onRequest` hook of `http-setup.ts` from the route's configuration — not by a Nest
 * interceptor, whose RxJS pipeline measured ~8 % of the token endpoint's CPU.
 */
export const NoStore = (): MethodDecorator => RouteConfig({ [NO_STORE]: true });

/** Is `request` for a route marked {@link NoStore}? */
export function isNoStoreRoute(request: FastifyRequest): boolean {
  return (request.routeOptions.config as unknown as Record<string, unknown> | undefined)?.[NO_STORE] === true;
}
