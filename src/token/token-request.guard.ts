import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { requireForm } from '../clients/client-auth.guard.js';
import type { ClientAuthenticatedRequest } from '../clients/client-auth.guard.js';
import { CLIENT_AUTH_REALM, ClientAuthenticator, isBasicAuthorization } from '../clients/client-authenticator.js';
import type { AuthenticatedClient } from '../clients/client-authenticator.js';
import { Clients } from '../clients/clients.js';
import { OAuthError } from '../common/oauth-error.js';
import type { OutcomeRequest } from '../observability/request-outcome.js';
import { GrantHandlerRegistry } from './grant-handler-registry.js';

/**
 * The checks of the token endpoint before any grant runs, in order: a well-formed form body
 * (`invalid_request`); a `grant_type` some handler serves (`unsupported_grant_type`); the
 * client's authentication (`invalid_client`) — by the handler itself when it authenticates its
 * clients, else as at every endpoint.
 */
@Injectable()
export class TokenRequestGuard implements CanActivate {
  constructor(
    private readonly grants: GrantHandlerRegistry,
    private readonly authenticator: ClientAuthenticator,
    private readonly clients: Clients,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<FastifyRequest & OutcomeRequest & ClientAuthenticatedRequest>();
    const params = requireForm(request);
    const grantType = params.get('grant_type');
    if (grantType === undefined || grantType === '') throw OAuthError.invalidRequest('grant_type is required');
    const handler = this.grants.find(grantType);
    if (!handler) throw OAuthError.unsupportedGrantType(`grant_type ${grantType.replace(/[^\x21-\x7E]/g, '?').slice(0, 60)} is not supported`);
    request.grantType = grantType; // a registered type: a bounded label for the metrics
    const authorization = request.headers.authorization;
    request.authenticatedClient = handler.authenticateClient
      ? this.registered(await handler.authenticateClient({ authorization, params }), authorization)
      : await this.authenticator.authenticate(authorization, params);
    return true;
  }

  /**
   * What a handler's own authentication names must be a client of the configuration in force,
   * and is replaced by it: never one the handler built, nor one a reload has since removed.
   */
  private registered(authenticated: AuthenticatedClient, authorization: string | undefined): AuthenticatedClient {
    const client = this.clients.find(authenticated.client.id);
    if (!client) throw OAuthError.invalidClient('the client is not registered', isBasicAuthorization(authorization), CLIENT_AUTH_REALM);
    return { ...authenticated, client };
  }
}
