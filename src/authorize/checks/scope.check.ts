import { Client } from '../../clients/client.js';
import { OAuthError } from '../../common/oauth-error.js';
import { Scopes } from '../../scopes/scopes.js';
import { AuthorizationParameters, AuthorizationRedirectError } from '../authorization-request.js';

/**
 * Scopes: unknown → `invalid_scope`; outside the client's `allowed-scopes` → dropped; absent →
 * the client's `default-scopes`.
 */
export function checkScope(query: AuthorizationParameters, client: Client, scopes: Scopes): string[] {
  try {
    return scopes.grant(client, query.params.scope);
  } catch (e) {
    if (e instanceof OAuthError) throw new AuthorizationRedirectError(e.error, e.description);
    throw e;
  }
}
