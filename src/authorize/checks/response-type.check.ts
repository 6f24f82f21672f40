import { AuthorizationParameters, AuthorizationRedirectError } from '../authorization-request.js';

/**
 * `response_type=code` (`unsupported_response_type` otherwise: implicit and hybrid are out of
 * scope) and, when present, `response_mode=query`.
 */
export function checkResponseType(query: AuthorizationParameters): void {
  const responseType = query.params.response_type;
  if (!responseType) throw new AuthorizationRedirectError('invalid_request', 'response_type is required');
  if (responseType !== 'code') throw new AuthorizationRedirectError('unsupported_response_type', 'only response_type=code is supported');
  const responseMode = query.params.response_mode;
  if (responseMode !== undefined && responseMode !== 'query') {
    throw new AuthorizationRedirectError('invalid_request', 'only response_mode=query is supported');
  }
}
