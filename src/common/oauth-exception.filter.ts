import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { fastifyErrorToOAuth, renderErrorAnswer } from './error-answer.js';
import { TemporarilyUnavailableError } from './temporarily-unavailable.js';
import { FormBody } from './form-body.js';
import { OAuthError } from './oauth-error.js';
import { RouteCatalogue, methodNotAllowed } from './route-catalogue.js';

/**
 * Renders every error that no controller filter handled: as an OAuth error (RFC 6749 §5.2)
 * with `Cache-Control: no-store`, or as an HTML page on the routes marked {@link HtmlPage}.
 * A method the path does not accept is `405` with `Allow`; an unknown path `404`. Unexpected
 * errors become `server_error` (500) with a generic description; the stack goes to the log
 * (which never carries request secrets), not to the client.
 */
@Catch()
export class OAuthExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('OAuthExceptionFilter');

  constructor(private readonly routes: RouteCatalogue) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const request = host.switchToHttp().getRequest<FastifyRequest>();
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const answer = renderErrorAnswer(this.routes.formatOf(request.url), this.toOAuthError(exception, request));
    void reply.code(answer.status).headers(answer.headers).send(answer.body);
  }

  private toOAuthError(exception: unknown, request: FastifyRequest): OAuthError {
    if (exception instanceof OAuthError) return exception;
    if (exception instanceof TemporarilyUnavailableError) {
      this.logger.warn(`temporarily unavailable: ${exception.message}`);
      return OAuthError.temporarilyUnavailable('the server cannot complete the request right now; try again');
    }
    if (clientWentAway(exception, request)) {
      // Nothing the server did wrong, and nobody left to answer: no stack, not an error.
      this.logger.debug(`the connection closed before the request was complete (${request.method} ${request.url.split('?')[0].slice(0, 200)})`);
      return OAuthError.invalidRequest('the request was not complete');
    }
    if (request.is404) {
      // No route for this method; whatever else went wrong (a body Fastify read for the
      // not-found handler, a missing Content-Type), the answer is about the method.
      const route = this.routes.find(request.url);
      if (route && !route.methods.includes(request.method)) return methodNotAllowed(route);
    }
    if (isFastifyError(exception)) return fastifyErrorToOAuth(exception);
    if (exception instanceof HttpException) {
      const status = exception.getStatus();
      if (status === 404) return new OAuthError('not_found', 'no such endpoint', 404);
      if (status === 405) return new OAuthError('invalid_request', 'method not allowed', 405);
      if (status === 413) return OAuthError.invalidRequest(`the request body is larger than ${FormBody.MAX_BYTES / 1024} KiB`, 413);
      // Fastify answers 415 for an empty or malformed Content-Type: a body that is not form-encoded (SPEC §2: 400).
      if (status === 415) return OAuthError.invalidRequest('the request body must be application/x-www-form-urlencoded (the Content-Type is not valid)');
      if (status < 500) return new OAuthError('invalid_request', 'the request is not valid', status);
    }
    this.logger.error(`unexpected error: ${exception instanceof Error ? exception.stack ?? exception.message : String(exception)}`);
    return OAuthError.serverError();
  }
}

function isFastifyError(e: unknown): e is FastifyError {
  return e instanceof Error && typeof (e as FastifyError).code === 'string' && (e as FastifyError).code.startsWith('FST_');
}

/**
 * The body stream failed because the connection closed first (Node's `aborted`, code
 * ECONNRESET). Checked by shape: Node's own errors may come from another realm than `Error`.
 */
function clientWentAway(e: unknown, request: FastifyRequest): boolean {
  return typeof e === 'object' && e !== null && (e as NodeJS.ErrnoException).code === 'ECONNRESET' && !request.raw.complete;
}
