import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { AuthorizationRedirectError, AuthorizeRequest, authorizationContext } from '../authorization-request.js';

/** `state` is required (SPEC §2): it binds the response to the client's session (CSRF). */
@Injectable()
export class StateGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const auth = authorizationContext(context.switchToHttp().getRequest<AuthorizeRequest>());
    if (!auth.params.state) throw new AuthorizationRedirectError('invalid_request', 'state is required');
    if (auth.params.state.length > 2048) throw new AuthorizationRedirectError('invalid_request', 'state is too long');
    return true;
  }
}
