import { Controller, HttpCode, Post, Req, UseGuards } from '@nestjs/common';
import { ClientAuthGuard, CurrentClient } from '../clients/client-auth.guard.js';
import type { AuthenticatedClient } from '../clients/client-authenticator.js';
import { AuthorizationPipeline } from '../authorize/authorization-pipeline.js';
import { AuthorizationPageError, AuthorizationRedirectError } from '../authorize/authorization-request.js';
import { checkCodeFlowAllowed } from '../authorize/checks/code-flow.check.js';
import { FormBody } from '../common/form-body.js';
import { NoStore } from '../common/no-store.js';
import { OAuthError } from '../common/oauth-error.js';
import { DpopProofGuard } from '../dpop/dpop-proof.guard.js';
import type { DpopRequest } from '../dpop/dpop-proof.guard.js';
import { PushedAuthorizationRequests, PushedRequestReference } from './pushed-authorization-requests.js';

/** Client authentication parameters: they authenticate the push and are never stored. */
const CLIENT_CREDENTIALS = ['client_secret'];

/**
 * `POST /api/oauth2/par` (RFC 9126): the client authenticates as at the token endpoint and posts
 * the parameters of an authorization request; they go through the authorization endpoint's own
 * {@link AuthorizationPipeline} (one pipeline, two entries), but every error is a JSON error
 * (400, or 401 `invalid_client`), never a redirect. Accepted parameters are stored for 60 s under
 * a fresh `request_uri`, answered with `201`. A DPoP proof sent with the push (RFC 9449 §10.1)
 * binds the future code to its key, as `dpop_jkt` would (both: they must name the same key).
 */
@Controller('api/oauth2')
export class PushedAuthorizationRequestController {
  constructor(
    private readonly pipeline: AuthorizationPipeline,
    private readonly pushedRequests: PushedAuthorizationRequests,
  ) {}

  @Post('par')
  @NoStore()
  @HttpCode(201)
  @UseGuards(ClientAuthGuard, DpopProofGuard)
  async push(@Req() request: DpopRequest, @CurrentClient() authenticated: AuthenticatedClient): Promise<PushedRequestReference> {
    const client = authenticated.client;
    const parameters: Record<string, string> = { ...(request.body as FormBody).params, client_id: client.id };
    for (const name of CLIENT_CREDENTIALS) delete parameters[name];
    if (request.dpop) {
      if (parameters.dpop_jkt !== undefined && parameters.dpop_jkt !== request.dpop.jkt) {
        throw new OAuthError('invalid_dpop_proof', 'dpop_jkt does not name the key of the DPoP proof');
      }
      parameters.dpop_jkt = request.dpop.jkt;
    }
    try {
      // A service account has no redirect URI: say what it lacks, not that its redirect URI is unknown.
      checkCodeFlowAllowed(client);
      this.pipeline.validate({ params: parameters, repeated: [], queryLength: new URLSearchParams(parameters).toString().length, pushed: true });
    } catch (e) {
      if (e instanceof AuthorizationRedirectError || e instanceof AuthorizationPageError) throw new OAuthError(e.error, e.description, e instanceof AuthorizationPageError ? e.status : 400);
      throw e;
    }
    return this.pushedRequests.push(client.id, parameters);
  }
}
