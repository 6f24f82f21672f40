import { Controller, Get, Req, Res, UseFilters } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ServerSettings } from '../live-config/configuration-snapshot.js';
import type { OutcomeRequest } from '../observability/request-outcome.js';
import { SingleSignOn } from '../session/single-sign-on.js';
import { AuthorizationCodeIssuer, codeRequestOf } from './authorization-code-issuer.js';
import { AuthorizationPipeline } from './authorization-pipeline.js';
import { redirectToClient, redirectWith } from './authorization-redirect.js';
import { AuthorizationRedirectError, readAuthorizationParameters } from './authorization-request.js';
import { AuthorizeExceptionFilter } from './authorize-exception.filter.js';
import { csrfCookie } from './sign-in/csrf-binding.js';
import { PENDING_SIGN_IN_TTL_MS, PendingSignIns } from './sign-in/pending-sign-in.js';
import { SignInPage } from './sign-in/sign-in-page.js';
import { HtmlPage } from '../common/route-catalogue.js';

/**
 * `GET /api/oauth2/authorize`: the {@link AuthorizationPipeline} checks the request (or the one
 * pushed under its `request_uri`, RFC 9126); then {@link SingleSignOn} decides with the browser's
 * session (`prompt`, `max_age`, `id_token_hint`): a session that serves the request gets its code
 * at once (`303` to the redirect URI, no form); otherwise the accepted request is sealed into the
 * sign-in form (nothing is stored), bound to a CSRF cookie, and the sign-in page is rendered — or,
 * for `prompt=none`, an error redirect.
 */
@Controller('api/oauth2')
@UseFilters(AuthorizeExceptionFilter)
export class AuthorizeController {
  constructor(
    private readonly server: ServerSettings,
    private readonly pipeline: AuthorizationPipeline,
    private readonly pendingSignIns: PendingSignIns,
    private readonly page: SignInPage,
    private readonly singleSignOn: SingleSignOn,
    private readonly codes: AuthorizationCodeIssuer,
  ) {}

  @Get('authorize')
  @HtmlPage()
  async authorize(@Req() request: FastifyRequest & OutcomeRequest, @Res() reply: FastifyReply): Promise<void> {
    const authorization = this.pipeline.validate(await this.pipeline.resolvePushed(readAuthorizationParameters(request)));
    request.clientId = authorization.client.id;
    const answer = await this.singleSignOn.authorize(authorization, request);
    if (answer.kind === 'error') {
      throw new AuthorizationRedirectError(answer.error, answer.description).to({ redirectUri: authorization.redirectUri, state: authorization.state });
    }
    if (answer.kind === 'silent') {
      const { session, grant } = answer;
      const code = await this.codes.issue(codeRequestOf(authorization), session.userId, session.authTime, session.sessionId, grant);
      request.outcome = 'session';
      redirectToClient(reply, redirectWith(authorization.redirectUri, { code, state: authorization.state, iss: this.server.issuer }));
      return;
    }
    const { pending, sealed, csrfToken } = this.pendingSignIns.open(authorization, answer.signedInAs);
    void reply.header('set-cookie', csrfCookie(pending.id, csrfToken, PENDING_SIGN_IN_TTL_MS / 1000, this.server.basePath, this.server.secureCookies));
    this.page.send(reply, 200, { client: authorization.client, scopes: authorization.scopes, sealed, csrfToken, signedInAs: answer.signedInAs });
  }
}
