import { ArgumentsHost, Catch, ExceptionFilter, Logger } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { TemporarilyUnavailableError } from '../common/temporarily-unavailable.js';
import { ServerSettings } from '../live-config/configuration-snapshot.js';
import type { OutcomeRequest } from '../observability/request-outcome.js';
import { AuthorizationPageError, AuthorizationRedirectError } from './authorization-request.js';
import { redirectWith } from './authorization-redirect.js';
import { HTML_SECURITY_HEADERS, renderErrorPage } from './sign-in/html-page.js';

/**
 * Errors of the authorization endpoint and the sign-in form: redirect errors go back to the
 * (already verified) redirect URI with `error`, `error_description`, `state` and `iss`
 * (RFC 9207); everything else is an HTML page, never a redirect and never a stack trace.
 */
@Catch()
export class AuthorizeExceptionFilter implements ExceptionFilter {
  private readonly logger = new Logger('Authorize');

  constructor(private readonly server: ServerSettings) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const request = host.switchToHttp().getRequest<OutcomeRequest>();
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    if (exception instanceof AuthorizationRedirectError && exception.redirect) {
      request.outcome = exception.error;
      void reply.code(302).headers({ 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' }).redirect(redirectWith(exception.redirect.redirectUri, {
        error: exception.error,
        error_description: exception.description,
        state: exception.redirect.state,
        iss: this.server.issuer,
      }), 302);
      return;
    }
    let title = 'Something went wrong';
    let description = 'The request could not be completed.';
    let status = 500;
    if (exception instanceof AuthorizationPageError) {
      ({ title, description, status } = exception);
      request.outcome = exception.error;
    } else if (exception instanceof AuthorizationRedirectError) {
      ({ error: title, description } = exception);
      status = 400;
      request.outcome = exception.error;
    } else if (exception instanceof TemporarilyUnavailableError) {
      this.logger.warn(`temporarily unavailable: ${exception.message}`);
      status = 503;
      title = 'Temporarily unavailable';
      description = 'The server cannot take new sign-ins right now. Try again in a few minutes.';
      request.outcome = 'temporarily_unavailable';
    } else if (isHttpError(exception) && exception.getStatus() < 500) {
      status = exception.getStatus();
      title = 'Invalid request';
    } else {
      this.logger.error(`unexpected error: ${exception instanceof Error ? exception.stack : String(exception)}`);
    }
    void reply.code(status).headers(HTML_SECURITY_HEADERS).send(renderErrorPage(title, description));
  }
}

function isHttpError(e: unknown): e is { getStatus(): number } {
  return typeof (e as { getStatus?: unknown })?.getStatus === 'function';
}
