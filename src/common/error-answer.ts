import { STATUS_CODES } from 'node:http';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { HTML_SECURITY_HEADERS, renderErrorPage } from '../authorize/sign-in/html-page.js';
import { FormBody } from './form-body.js';
import { NO_STORE_HEADERS } from './no-store.js';
import { OAuthError } from './oauth-error.js';
import type { ErrorFormat, RouteCatalogue } from './route-catalogue.js';

/** An error answer, ready to send through Fastify or to write on a raw socket. */
export interface ErrorAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

const JSON_HEADERS: Readonly<Record<string, string>> = Object.freeze({
  'content-type': 'application/json; charset=utf-8',
  ...NO_STORE_HEADERS,
});

const PAGE_TITLES: Readonly<Record<number, string>> = Object.freeze({
  404: 'Page not found',
  405: 'Method not allowed',
  408: 'Request timeout',
  413: 'Request too large',
  414: 'Address too long',
  431: 'Request headers too large',
  503: 'Temporarily unavailable',
});

/**
 * Renders an error the way the route it concerns renders errors: the RFC 6749 §5.2 JSON body
 * `{error, error_description}` with `Cache-Control: no-store`, or, on a page a browser shows,
 * an HTML page with the pages' security headers. The error's own headers (`Allow`,
 * `WWW-Authenticate`, …) are kept.
 */
export function renderErrorAnswer(format: ErrorFormat, error: OAuthError): ErrorAnswer {
  if (format === 'html') {
    const title = PAGE_TITLES[error.status] ?? (error.status >= 500 ? 'Something went wrong' : 'Invalid request');
    return { status: error.status, headers: { ...HTML_SECURITY_HEADERS, ...error.headers }, body: renderErrorPage(title, sentence(error.description)) };
  }
  return { status: error.status, headers: { ...JSON_HEADERS, ...error.headers }, body: JSON.stringify(error.toJSON()) };
}

/**
 * The answer as bytes for a socket the HTTP server has given up on (parse error, timeout):
 * always `Connection: close`, and no body when the request was a `HEAD` or its method is
 * unknown, because a body the client does not expect would be read as the next response.
 */
export function rawErrorResponse(answer: ErrorAnswer, withBody: boolean): string {
  const body = withBody ? answer.body : '';
  let head = `HTTP/1.1 ${answer.status} ${STATUS_CODES[answer.status] ?? 'Error'}\r\n`;
  for (const [name, value] of Object.entries(answer.headers)) head += `${name}: ${value}\r\n`;
  head += `content-length: ${withBody ? Buffer.byteLength(body) : 0}\r\nconnection: close\r\n\r\n`;
  return head + body;
}

/** Error descriptions are lower-case clauses; a page shows them as a sentence. */
function sentence(description: string): string {
  const text = description.charAt(0).toUpperCase() + description.slice(1);
  return /[.!?]$/.test(text) ? text : `${text}.`;
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
    case 'FST_ERR_BAD_URL':
      return OAuthError.invalidRequest('the request path is not validly percent-encoded');
    case 'FST_ERR_MAX_PARAM_LENGTH':
      return OAuthError.invalidRequest('the request path is too long', 414);
    default:
      if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
        return OAuthError.invalidRequest('the request could not be read', error.statusCode);
      }
      return OAuthError.serverError();
  }
}

/**
 * Fastify's `frameworkErrors`: the router rejects a malformed path (400) or an over-long route
 * parameter (414) before any hook or Nest's error handler runs; answered here like the rest.
 */
export function frameworkErrorAnswerer(routes: RouteCatalogue) {
  return (error: FastifyError, request: FastifyRequest, reply: FastifyReply): void => {
    const answer = renderErrorAnswer(routes.formatOf(request.url), fastifyErrorToOAuth(error));
    void reply.code(answer.status).headers(answer.headers).send(answer.body);
  };
}
