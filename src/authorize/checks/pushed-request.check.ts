import { Client } from '../../clients/client.js';
import { AuthorizationParameters, AuthorizationRedirectError } from '../authorization-request.js';

/**
 * A client with `require-pushed-authorization-requests` (or every client, with
 * `authorization.require-pushed-authorization-requests`) sends its authorization requests
 * through the PAR endpoint only (RFC 9126 §5, §6): a request that was not pushed is refused.
 */
export function checkPushedWhenRequired(query: AuthorizationParameters, client: Client, requiredForAll: boolean): void {
  if (!query.pushed && (requiredForAll || client.requirePushedAuthorizationRequests)) {
    throw new AuthorizationRedirectError('invalid_request',
      'this client must push its authorization requests to the pushed authorization request endpoint (RFC 9126) and send the request_uri it gets');
  }
}
