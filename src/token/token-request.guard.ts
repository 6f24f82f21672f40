import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { requireForm } from '../clients/client-auth.guard.js';
import { OAuthError } from '../common/oauth-error.js';
import type { OutcomeRequest } from '../observability/request-outcome.js';
import { GrantHandlerRegistry } from './grant-handler-registry.js';

/**
 * First checks of the token endpoint, before client authentication: a well-formed form body
 * (`invalid_request`), then a `grant_type` some handler serves (`unsupported_grant_type`).
 */
@Injectable()
export class TokenRequestGuard implements CanActivate {
  constructor(private readonly grants: GrantHandlerRegistry) {}

  canActivate(context: ExecutionContext): boolean {
    const request = context.switchToHttp().getRequest<FastifyRequest & OutcomeRequest>();
    const body = requireForm(request);
    const grantType = body.get('grant_type');
    if (grantType === undefined || grantType === '') throw OAuthError.invalidRequest('grant_type is required');
    if (!this.grants.find(grantType)) throw OAuthError.unsupportedGrantType(`grant_type ${grantType.slice(0, 60)} is not supported`);
    request.grantType = grantType; // a registered type: a bounded label for the metrics
    return true;
  }
}
