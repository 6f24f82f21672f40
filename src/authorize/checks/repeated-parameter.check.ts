import { AuthorizationParameters, AuthorizationRedirectError } from '../authorization-request.js';

/** No parameter may be sent twice (RFC 6749 §3.1). */
export function checkNoRepeatedParameter(query: AuthorizationParameters): void {
  if (query.repeated.length > 0) {
    throw new AuthorizationRedirectError('invalid_request', `the parameter ${query.repeated[0].replace(/[^\x21-\x7E]/g, '?').slice(0, 40)} is repeated`);
  }
}
