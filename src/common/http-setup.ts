import type { FastifyError, FastifyInstance, FastifyRequest } from 'fastify';
import { FormBody } from './form-body.js';
import { OAuthError } from './oauth-error.js';

/**
 * Body parsing shared by every route: form bodies are parsed strictly into a {@link FormBody}
 * (64 KiB limit), any other body is read (same limit) and marked as not form-encoded, so that
 * the OAuth endpoints can answer `invalid_request` instead of a framework error. Errors raised
 * by Fastify before a route handler runs (body too large, …) reach Nest's exception layer and
 * are rendered by {@link OAuthExceptionFilter} via {@link fastifyErrorToOAuth}.
 */
export function registerHttpSetup(fastify: FastifyInstance): void {
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'buffer', bodyLimit: FormBody.MAX_BYTES },
    (_req: FastifyRequest, body: Buffer, done: (err: Error | null, body?: unknown) => void) => done(null, FormBody.parse(body)));
  fastify.addContentTypeParser('*', { parseAs: 'buffer', bodyLimit: FormBody.MAX_BYTES },
    (req: FastifyRequest, _body: Buffer, done: (err: Error | null, body?: unknown) => void) =>
      done(null, FormBody.notForm(req.headers['content-type'])));

}

/** Maps an error Fastify raised itself (it carries a `FST_…` code) to an OAuth error. */
export function fastifyErrorToOAuth(error: FastifyError): OAuthError {
  switch (error.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return OAuthError.invalidRequest(`the request body is larger than ${FormBody.MAX_BYTES / 1024} KiB`, 413);
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
    case 'FST_ERR_CTP_INVALID_CONTENT_LENGTH':
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
    case 'FST_ERR_CTP_INVALID_TYPE':
      return OAuthError.invalidRequest('the request body could not be read');
    default:
      if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
        return OAuthError.invalidRequest('the request could not be read', error.statusCode);
      }
      return OAuthError.serverError();
  }
}
