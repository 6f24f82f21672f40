import { ArgumentsHost, Catch, ExceptionFilter, Inject, Logger } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { LoadedConfiguration } from '../config/load-configuration.js';
import { StoreUnavailableError } from '../store/authorization-store.js';
import { AuthorizationPageError, AuthorizationRedirectError, AuthorizeRequest } from './authorization-request.js';
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

  constructor(@Inject(LoadedConfiguration) private readonly configuration: LoadedConfiguration) {}

  catch(exception: unknown, host: ArgumentsHost): void {
    const request = host.switchToHttp().getRequest<AuthorizeRequest>();
    const reply = host.switchToHttp().getResponse<FastifyReply>();
    const auth = request.authorization;
    if (exception instanceof AuthorizationRedirectError && auth?.redirectUri) {
      void reply.code(302).headers({ 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' }).redirect(redirectWith(auth.redirectUri, {
        error: exception.error,
        error_description: exception.description,
        state: auth.state,
        iss: this.configuration.issuer,
      }), 302);
      return;
    }
    let title = 'Something went wrong';
    let description = 'The request could not be completed.';
    let status = 500;
    if (exception instanceof AuthorizationPageError) {
      ({ title, description, status } = exception);
    } else if (exception instanceof AuthorizationRedirectError) {
      ({ error: title, description } = exception);
      status = 400;
    } else if (exception instanceof StoreUnavailableError) {
      this.logger.warn(`store unavailable: ${exception.message}`);
      status = 503;
      title = 'Temporarily unavailable';
      description = 'The server cannot take new sign-ins right now. Try again in a few minutes.';
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
