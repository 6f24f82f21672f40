import { AuthorizationParameters, AuthorizationRedirectError } from '../authorization-request.js';

/** Request objects (`request`, `request_uri` by value or reference) are not supported. */
export function checkNoRequestObject(query: AuthorizationParameters): void {
  if (query.params.request !== undefined) throw new AuthorizationRedirectError('request_not_supported', 'request objects are not supported');
  if (query.params.request_uri !== undefined) throw new AuthorizationRedirectError('request_uri_not_supported', 'request_uri is not supported');
}
