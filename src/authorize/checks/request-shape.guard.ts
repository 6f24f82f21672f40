import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import { AuthorizationRedirectError, AuthorizeRequest, authorizationContext } from '../authorization-request.js';

/**
 * Checks after the redirect URI is trusted, each answered by redirect: the client may use the
 * code flow (`unauthorized_client`), no parameter is repeated, `response_type=code`
 * (`unsupported_response_type`; implicit and hybrid are out of scope), `response_mode` is
 * `query` when present, and no request object (`request`, `request_uri`) is sent.
 */
@Injectable()
export class ResponseTypeGuard implements CanActivate {
  canActivate(context: ExecutionContext): boolean {
    const auth = authorizationContext(context.switchToHttp().getRequest<AuthorizeRequest>());
    if (!auth.client!.allowsGrant('authorization_code')) {
      throw new AuthorizationRedirectError('unauthorized_client', 'the client may not use the authorization code grant');
    }
    if (auth.repeated.length > 0) {
      throw new AuthorizationRedirectError('invalid_request', `the parameter ${auth.repeated[0].slice(0, 40)} is repeated`);
    }
    const responseType = auth.params.response_type;
    if (!responseType) throw new AuthorizationRedirectError('invalid_request', 'response_type is required');
    if (responseType !== 'code') {
      throw new AuthorizationRedirectError('unsupported_response_type', 'only response_type=code is supported');
    }
    const responseMode = auth.params.response_mode;
    if (responseMode !== undefined && responseMode !== 'query') {
      throw new AuthorizationRedirectError('invalid_request', 'only response_mode=query is supported');
    }
    if (auth.params.request !== undefined) throw new AuthorizationRedirectError('request_not_supported', 'request objects are not supported');
    if (auth.params.request_uri !== undefined) throw new AuthorizationRedirectError('request_uri_not_supported', 'request_uri is not supported');
    return true;
  }
}
