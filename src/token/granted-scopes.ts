import { Client } from '../clients/client.js';

/**
 * The scopes of a stored grant (an authorization code, a refresh-token family) that the client is
 * still allowed under the configuration in force: a reload that takes a scope away from a client
 * (or removes the scope) ends it for tokens issued from then on, as `/authorize` drops a scope
 * outside `allowed-scopes`. The stored grant keeps its scopes: a reload that allows the scope
 * again gives it back.
 */
export function stillAllowed(client: Client, scopes: readonly string[]): string[] {
  return scopes.filter((scope) => client.allowedScopes.has(scope));
}
