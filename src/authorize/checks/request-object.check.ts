import { AuthorizationParameters, AuthorizationRedirectError } from '../authorization-request.js';

/**
 * Request objects (`request`, RFC 9101) are not supported. A `request_uri` is only the reference
 * to a pushed request (RFC 9126), resolved before the checks run: one that reaches them was sent
 * to the PAR endpoint itself, where it must not be (RFC 9126 §2.1).
 */
export function checkNoRequestObject(query: AuthorizationParameters): void {
  if (query.params.request !== undefined) throw new AuthorizationRedirectError('request_not_supported', 'request objects are not supported');
  if (query.params.request_uri !== undefined) {
    throw new AuthorizationRedirectError('invalid_request', 'request_uri must not be sent to the pushed authorization request endpoint');
  }
}
