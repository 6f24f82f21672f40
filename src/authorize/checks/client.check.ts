import { Client } from '../../clients/client.js';
import { AuthorizationPageError, AuthorizationParameters } from '../authorization-request.js';

/**
 * Check 1: a known `client_id`. Failing is an HTML page (400), never a redirect: the redirect URI
 * cannot be trusted without a client.
 */
export function checkClient(query: AuthorizationParameters, find: (clientId: string) => Client | undefined): Client {
  if (query.repeated.includes('client_id')) throw new AuthorizationPageError('Invalid request', 'The client_id parameter is repeated.');
  const clientId = query.params.client_id;
  if (!clientId) throw new AuthorizationPageError('Invalid request', 'The client_id parameter is missing.');
  const client = find(clientId);
  if (!client) throw new AuthorizationPageError('Unknown client', `No client is registered with the id "${clientId.slice(0, 100)}".`, 400, 'invalid_client');
  return client;
}
