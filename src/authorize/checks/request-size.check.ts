import { AuthorizationParameters, AuthorizationRedirectError } from '../authorization-request.js';

/** The longest authorization query accepted, in characters. */
export const MAX_QUERY_LENGTH = 8192;

/**
 * An authorization request is a URL a browser carries: past {@link MAX_QUERY_LENGTH} it is not
 * a real one, and nothing of it is kept.
 */
export function checkRequestSize(query: AuthorizationParameters): void {
  if (query.queryLength > MAX_QUERY_LENGTH) {
    throw new AuthorizationRedirectError('invalid_request', `the authorization request is longer than ${MAX_QUERY_LENGTH} characters`);
  }
}
