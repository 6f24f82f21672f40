import { Injectable } from '@nestjs/common';
import { Clients } from '../clients/clients.js';
import { PushedAuthorizationRequests } from '../par/pushed-authorization-requests.js';
import { PushedRequestPolicy } from '../par/pushed-request-policy.js';
import { Scopes } from '../scopes/scopes.js';
import { AuthorizationPageError, AuthorizationParameters, AuthorizationRedirectError, AuthorizationRequest } from './authorization-request.js';
import { checkClient } from './checks/client.check.js';
import { checkCodeFlowAllowed } from './checks/code-flow.check.js';
import { checkDpopJkt } from './checks/dpop-jkt.check.js';
import { checkNonce } from './checks/nonce.check.js';
import { checkPkce } from './checks/pkce.check.js';
import { checkPrompt } from './checks/prompt.check.js';
import { checkPushedWhenRequired } from './checks/pushed-request.check.js';
import { checkRedirectUri } from './checks/redirect-uri.check.js';
import { checkNoRepeatedParameter } from './checks/repeated-parameter.check.js';
import { checkNoRequestObject } from './checks/request-object.check.js';
import { checkRequestSize } from './checks/request-size.check.js';
import { checkResponseType } from './checks/response-type.check.js';
import { checkScope } from './checks/scope.check.js';
import { checkState, echoableState } from './checks/state.check.js';

/**
 * The checks of an authorization request, in order, each in its own file under `checks/`: client
 * → redirect URI (both answered by an HTML page: nothing can be redirected yet) → pushed when the
 * client must push (PAR) → size → code flow allowed → no repeated parameter → response type → no
 * request object → state → PKCE → scope → nonce → prompt → dpop_jkt (answered by a redirect to
 * the trusted redirect URI, with `state` when it could be read). Each check returns what it
 * vouches for; the result is a typed
 * {@link AuthorizationRequest}, built without touching the HTTP request, so that every entry
 * point (the authorization endpoint, pushed authorization requests) runs the same pipeline.
 *
 * At the authorization endpoint, a `request_uri` is first replaced by the parameters its client
 * pushed ({@link resolvePushed}), which then go through the same checks.
 */
@Injectable()
export class AuthorizationPipeline {
  constructor(
    private readonly clients: Clients,
    private readonly scopes: Scopes,
    private readonly pushedRequests: PushedAuthorizationRequests,
    private readonly pushedPolicy: PushedRequestPolicy,
  ) {}

  validate(query: AuthorizationParameters): AuthorizationRequest {
    const client = checkClient(query, (id) => this.clients.find(id));
    const redirectUri = checkRedirectUri(query, client);
    try {
      checkPushedWhenRequired(query, client, this.pushedPolicy.requiredForAll);
      checkRequestSize(query);
      checkCodeFlowAllowed(client);
      checkNoRepeatedParameter(query);
      checkResponseType(query);
      checkNoRequestObject(query);
      const state = checkState(query);
      const codeChallenge = checkPkce(query);
      const scopes = checkScope(query, client, this.scopes);
      const nonce = checkNonce(query);
      const { prompt, maxAge, idTokenHint } = checkPrompt(query);
      const dpopJkt = checkDpopJkt(query);
      return { client, redirectUri, state, codeChallenge, scopes, nonce, prompt, maxAge, idTokenHint, dpopJkt };
    } catch (e) {
      if (e instanceof AuthorizationRedirectError) throw e.to({ redirectUri, state: echoableState(query) });
      throw e;
    }
  }

  /**
   * The authorization endpoint's parameters: as sent, or — with a `request_uri` (RFC 9126 §4) —
   * the parameters its client pushed, taken from the store once (only `client_id` and
   * `request_uri` of the query are read then). A `request_uri` that is unknown, expired, used or
   * pushed by another client is an HTML page (`invalid_request_uri`): there is no trusted
   * redirect URI to send the error to.
   */
  async resolvePushed(query: AuthorizationParameters): Promise<AuthorizationParameters> {
    if (query.params.request_uri === undefined && !query.repeated.includes('request_uri')) return query;
    const client = checkClient(query, (id) => this.clients.find(id));
    const requestUri = query.repeated.includes('request_uri') ? undefined : query.params.request_uri;
    const parameters = requestUri === undefined ? undefined : await this.pushedRequests.take(requestUri, client.id);
    if (parameters === undefined) {
      throw new AuthorizationPageError('Invalid request', 'The request_uri is unknown, has expired or was already used. Return to the application and start again.', 400, 'invalid_request_uri');
    }
    return { params: parameters, repeated: [], queryLength: 0, pushed: true };
  }
}
