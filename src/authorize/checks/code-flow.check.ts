import { Client } from '../../clients/client.js';
import { AuthorizationRedirectError } from '../authorization-request.js';

/** The client may use the authorization code grant (`unauthorized_client` otherwise). */
export function checkCodeFlowAllowed(client: Client): void {
  if (!client.allowsGrant('authorization_code')) {
    throw new AuthorizationRedirectError('unauthorized_client', 'the client may not use the authorization code grant');
  }
}
