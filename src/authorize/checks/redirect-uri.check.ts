import { Client } from '../../clients/client.js';
import { AuthorizationPageError, AuthorizationParameters } from '../authorization-request.js';

/**
 * Check 2: a `redirect_uri` that matches one of the client's registered URIs (exact, loopback
 * port aside). Failing is an HTML page (400), never a redirect.
 */
export function checkRedirectUri(query: AuthorizationParameters, client: Client): string {
  if (query.repeated.includes('redirect_uri')) throw new AuthorizationPageError('Invalid request', 'The redirect_uri parameter is repeated.');
  const redirectUri = query.params.redirect_uri;
  if (!redirectUri) throw new AuthorizationPageError('Invalid request', 'The redirect_uri parameter is missing.');
  if (!client.matchRedirectUri(redirectUri)) {
    throw new AuthorizationPageError('Invalid redirect URI', `The redirect URI "${redirectUri.slice(0, 200)}" is not registered for the client "${client.id}".`);
  }
  return redirectUri;
}
