import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { AuthorizationRedirectError, AuthorizeRequest, authorizationContext } from '../authorization-request.js';

export const MAX_STATE_LENGTH = 2048;

/** `state` is required (SPEC §2): it binds the response to the client's session (CSRF). */
@Injectable()
export class StateGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const auth = authorizationContext(context.switchToHttp().getRequest<AuthorizeRequest>());
    if (!auth.params.state) throw new AuthorizationRedirectError('invalid_request', 'state is required');
    if (auth.params.state.length > MAX_STATE_LENGTH) {
      auth.state = undefined; // not echoed back: the redirect would carry it whole
      throw new AuthorizationRedirectError('invalid_request', `state is longer than ${MAX_STATE_LENGTH} characters`);
    }
    return true;
  }
}
