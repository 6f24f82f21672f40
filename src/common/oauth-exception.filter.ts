import { ArgumentsHost, Catch, ExceptionFilter, HttpException, Logger } from '@nestjs/common';
import type { FastifyError, FastifyReply } from 'fastify';
import { fastifyErrorToOAuth } from './http-setup.js';
import { NO_STORE_HEADERS } from './no-store.interceptor.js';
import { TemporarilyUnavailableError } from './temporarily-unavailable.js';
import { FormBody } from './form-body.js';
import { OAuthError } from './oauth-error.js';

/**
 * Renders every error of the JSON endpoints as an OAuth error (RFC 6749 §5.2) with
 * `Cache-Control: no-store`. Unexpected errors become `server_error` (500) with a generic
 * description; the stack goes to the log (which never carries request secrets), not to the client.
 */
@Catch()
export class OAuthExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('OAuthExceptionFilter');

  catch(exception: unknown, host: ArgumentsHost): void {
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const error = this.toOAuthError(exception);
    void reply.code(error.status).headers({ ...NO_STORE_HEADERS, ...error.headers }).send(error.toJSON());
  }

  private toOAuthError(exception: unknown): OAuthError {
    if (exception instanceof OAuthError) return exception;
    if (exception instanceof TemporarilyUnavailableError) {
      this.logger.warn(`temporarily unavailable: ${exception.message}`);
      return OAuthError.temporarilyUnavailable('the server cannot complete the request right now; try again');
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
