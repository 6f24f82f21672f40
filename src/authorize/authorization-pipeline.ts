import { Injectable } from '@nestjs/common';
import { Clients } from '../clients/clients.js';
import { Scopes } from '../scopes/scopes.js';
import { AuthorizationParameters, AuthorizationRedirectError, AuthorizationRequest } from './authorization-request.js';
import { checkClient } from './checks/client.check.js';
import { checkCodeFlowAllowed } from './checks/code-flow.check.js';
import { checkNonce } from './checks/nonce.check.js';
import { checkPkce } from './checks/pkce.check.js';
import { checkPrompt } from './checks/prompt.check.js';
import { checkRedirectUri } from './checks/redirect-uri.check.js';
import { checkNoRepeatedParameter } from './checks/repeated-parameter.check.js';
import { checkNoRequestObject } from './checks/request-object.check.js';
import { checkRequestSize } from './checks/request-size.check.js';
import { checkResponseType } from './checks/response-type.check.js';
import { checkScope } from './checks/scope.check.js';
import { checkState, echoableState } from './checks/state.check.js';

/**
 * The checks of an authorization request, in order, each in its own file under `checks/`: client
 * → redirect URI (both answered by an HTML page: nothing can be redirected yet) → size → code flow
 * allowed → no repeated parameter → response type → no request object → state → PKCE → scope →
 * nonce → prompt (answered by a redirect to the trusted redirect URI, with `state` when it could
 * be read). Each check returns what it vouches for; the result is a typed
 * {@link AuthorizationRequest}, built without touching the HTTP request, so that every entry
 * point (the authorization endpoint, pushed authorization requests) runs the same pipeline.
 */
@Injectable()
export class AuthorizationPipeline {
  constructor(
    private readonly clients: Clients,
    private readonly scopes: Scopes,
  ) {}

  validate(query: AuthorizationParameters): AuthorizationRequest {
    const client = checkClient(query, (id) => this.clients.find(id));
    const redirectUri = checkRedirectUri(query, client);
    try {
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
      return { client, redirectUri, state, codeChallenge, scopes, nonce, prompt, maxAge, idTokenHint };
    } catch (e) {
      if (e instanceof AuthorizationRedirectError) throw e.to({ redirectUri, state: echoableState(query) });
      throw e;
    }
  }
}
