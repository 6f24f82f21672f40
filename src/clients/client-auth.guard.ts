import { CanActivate, ExecutionContext, Injectable, createParamDecorator } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { FormBody } from '../common/form-body.js';
import { OAuthError } from '../common/oauth-error.js';
import { AuthenticatedClient, ClientAuthenticator } from './client-authenticator.js';

export type ClientAuthenticatedRequest = FastifyRequest & { authenticatedClient?: AuthenticatedClient };

/** The strictly parsed form body of a request, or `invalid_request`. */
export function requireForm(request: FastifyRequest): FormBody {
  const body = request.body;
  if (!(body instanceof FormBody)) throw OAuthError.invalidRequest('the request body must be application/x-www-form-urlencoded');
  if (body.problem) throw OAuthError.invalidRequest(body.problem);
  return body;
}

/**
 * Authenticates the client of a token, introspection or revocation request and attaches it to
 * the request; anything else is `invalid_request` or `invalid_client`.
 */
@Injectable()
export class ClientAuthGuard implements CanActivate {
  constructor(private readonly authenticator: ClientAuthenticator) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const request = context.switchToHttp().getRequest<ClientAuthenticatedRequest>();
    const body = requireForm(request);
    request.authenticatedClient = await this.authenticator.authenticate(request.headers.authorization, body);
    return true;
  }
}

/** The client that {@link ClientAuthGuard} authenticated. */
export const CurrentClient = createParamDecorator((_data: unknown, context: ExecutionContext): AuthenticatedClient => {
  const client = context.switchToHttp().getRequest<ClientAuthenticatedRequest>().authenticatedClient;
  if (!client) throw new Error('CurrentClient used on a route without ClientAuthGuard');
  return client;
});
