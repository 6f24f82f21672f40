import { Controller, Get, Req, Res, UseFilters } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ServerSettings } from '../live-config/configuration-snapshot.js';
import type { OutcomeRequest } from '../observability/request-outcome.js';
import { AuthorizationPipeline } from './authorization-pipeline.js';
import { AuthorizationRedirectError, readAuthorizationParameters } from './authorization-request.js';
import { AuthorizeExceptionFilter } from './authorize-exception.filter.js';
import { csrfCookie } from './sign-in/csrf-binding.js';
import { PENDING_SIGN_IN_TTL_MS, PendingSignIns } from './sign-in/pending-sign-in.js';
import { SignInPage } from './sign-in/sign-in-page.js';

/**
 * `GET /api/oauth2/authorize`: the {@link AuthorizationPipeline} checks the request (or the one
 * pushed under its `request_uri`, RFC 9126); the accepted
 * request is sealed into the sign-in form (nothing is stored), bound to a CSRF cookie, and the
 * sign-in page is rendered.
 */
@Controller('api/oauth2')
@UseFilters(AuthorizeExceptionFilter)
export class AuthorizeController {
  constructor(
    private readonly server: ServerSettings,
    private readonly pipeline: AuthorizationPipeline,
    private readonly pendingSignIns: PendingSignIns,
    private readonly page: SignInPage,
  ) {}

  @Get('authorize')
  async authorize(@Req() request: FastifyRequest & OutcomeRequest, @Res() reply: FastifyReply): Promise<void> {
    const authorization = this.pipeline.validate(await this.pipeline.resolvePushed(readAuthorizationParameters(request)));
    request.clientId = authorization.client.id;
    if (authorization.prompt.includes('none')) {
      // There is no session to sign in silently with.
      throw new AuthorizationRedirectError('login_required', 'the end-user must sign in')
        .to({ redirectUri: authorization.redirectUri, state: authorization.state });
    }
    const { pending, sealed, csrfToken } = this.pendingSignIns.open(authorization);
    void reply.header('set-cookie', csrfCookie(pending.id, csrfToken, PENDING_SIGN_IN_TTL_MS / 1000, this.server.secureCookies));
    this.page.send(reply, 200, { client: authorization.client, scopes: authorization.scopes, sealed, csrfToken });
  }
}
