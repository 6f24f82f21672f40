import { AuthorizationParameters, AuthorizationRedirectError } from '../authorization-request.js';

export const MAX_STATE_LENGTH = 2048;

/** A `state` short enough to be echoed back in a redirect, or `undefined`. */
export function echoableState(query: AuthorizationParameters): string | undefined {
  const state = query.params.state;
  return state !== undefined && state.length <= MAX_STATE_LENGTH ? state : undefined;
}

/** `state` is required (SPEC §2): it binds the response to the client's session (CSRF). */
export function checkState(query: AuthorizationParameters): string {
  const state = query.params.state;
  if (!state) throw new AuthorizationRedirectError('invalid_request', 'state is required');
  if (state.length > MAX_STATE_LENGTH) throw new AuthorizationRedirectError('invalid_request', `state is longer than ${MAX_STATE_LENGTH} characters`);
  return state;
}
