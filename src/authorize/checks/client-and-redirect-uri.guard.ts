import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { ClientRegistry } from '../../clients/client-registry.js';
import { AuthorizationPageError, AuthorizeRequest, authorizationContext } from '../authorization-request.js';

/**
 * Check 1 and 2 of the authorization endpoint: a known `client_id` and a `redirect_uri` that
 * matches one of its registered URIs (exact, loopback port aside). Failing either is an HTML
 * page, HTTP 400, and never a redirect: the redirect URI cannot be trusted yet.
 */
@Injectable()
export class ClientAndRedirectUriGuard implements CanActivate {
  constructor(private readonly clients: ClientRegistry) {}

  canActivate(context: ExecutionContext): boolean {
    const auth = authorizationContext(context.switchToHttp().getRequest<AuthorizeRequest>());
    if (auth.repeated.includes('client_id')) throw new AuthorizationPageError('Invalid request', 'The client_id parameter is repeated.');
    const clientId = auth.params.client_id;
    if (!clientId) throw new AuthorizationPageError('Invalid request', 'The client_id parameter is missing.');
    const client = this.clients.find(clientId);
    if (!client) throw new AuthorizationPageError('Unknown client', `No client is registered with the id "${clientId}".`);
    if (auth.repeated.includes('redirect_uri')) throw new AuthorizationPageError('Invalid request', 'The redirect_uri parameter is repeated.');
    const redirectUri = auth.params.redirect_uri;
    if (!redirectUri) throw new AuthorizationPageError('Invalid request', 'The redirect_uri parameter is missing.');
    if (!client.matchRedirectUri(redirectUri)) {
      throw new AuthorizationPageError('Invalid redirect URI', `The redirect URI "${redirectUri}" is not registered for the client "${client.id}".`);
    }
    auth.client = client;
    auth.redirectUri = redirectUri;
    auth.state = auth.params.state;
    return true;
  }
}
