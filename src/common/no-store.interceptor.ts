import { CallHandler, ExecutionContext, Injectable, NestInterceptor, UseInterceptors } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import type { Observable } from 'rxjs';

/**
 * `Cache-Control: no-store` and `Pragma: no-cache` on every answer of a controller that hands out
 * or reveals tokens (RFC 6749 §5.1). Errors get the same headers from the exception filters.
 */
@Injectable()
export class NoStoreInterceptor implements NestInterceptor {
  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    void context.switchToHttp().getResponse<FastifyReply>().headers(NO_STORE_HEADERS);
    return next.handle();
  }
}

export const NO_STORE_HEADERS: Readonly<Record<string, string>> = Object.freeze({ 'cache-control': 'no-store', pragma: 'no-cache' });

/** Marks a controller (or route) whose answers must never be cached. */
export const NoStore = (): MethodDecorator & ClassDecorator => UseInterceptors(NoStoreInterceptor);
