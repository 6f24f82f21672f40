import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { OAuthError } from '../../common/oauth-error.js';
import { ScopeRegistry } from '../../scopes/scope-registry.js';
import { grantScopes } from '../../scopes/scope-policy.js';
import { AuthorizationRedirectError, AuthorizeRequest, authorizationContext } from '../authorization-request.js';

/**
 * Scopes: unknown → `invalid_scope`; outside the client's `allowed-scopes` → dropped; absent →
 * the client's `default-scopes`. `prompt=none` cannot be honoured (there is no SSO session to
 * reuse), so it is `login_required`.
 */
@Injectable()
export class ScopeGuard implements CanActivate {
  constructor(private readonly scopes: ScopeRegistry) {}

  canActivate(context: ExecutionContext): boolean {
    const auth = authorizationContext(context.switchToHttp().getRequest<AuthorizeRequest>());
    try {
      auth.scopes = grantScopes(this.scopes, auth.client!, auth.params.scope);
    } catch (e) {
      if (e instanceof OAuthError) throw new AuthorizationRedirectError(e.error, e.description);
      throw e;
    }
    if (auth.params.prompt?.split(' ').includes('none')) {
      throw new AuthorizationRedirectError('login_required', 'the end-user must sign in');
    }
    return true;
  }
}
