import { Controller, Get, Inject, Req, Res, UseFilters, UseGuards } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { LoadedConfiguration } from '../config/load-configuration.js';
import { AUTHORIZATION_STORE } from '../store/authorization-store.js';
import type { AuthorizationStore } from '../store/authorization-store.js';
import { authorizationContext } from './authorization-request.js';
import type { AuthorizeRequest } from './authorization-request.js';
import { AuthorizeExceptionFilter } from './authorize-exception.filter.js';
import { randomToken } from '../common/secure-tokens.js';
import { ClientAndRedirectUriGuard } from './checks/client-and-redirect-uri.guard.js';
import { PkceGuard } from './checks/pkce.guard.js';
import { ResponseTypeGuard } from './checks/request-shape.guard.js';
import { ScopeGuard } from './checks/scope.guard.js';
import { StateGuard } from './checks/state.guard.js';
import { SignInPage } from './sign-in/sign-in-page.js';
import { csrfCookie, csrfHash } from './sign-in/csrf-cookie.js';
import { HtmlPage } from '../common/route-catalogue.js';

/** How long an end-user has to sign in once the authorization request is accepted. */
export const PENDING_AUTHORIZATION_TTL_MS = 10 * 60_000;

/**
 * `GET /api/oauth2/authorize`: the checks run as guards, in order (client → redirect URI →
 * response type → PKCE → state → scope); the request is then kept in the store under a random
 * id, bound to a CSRF cookie, and the sign-in form is rendered.
 */
@Controller('api/oauth2')
@UseFilters(AuthorizeExceptionFilter)
export class AuthorizeController {
  private readonly secureCookies: boolean;

  constructor(
    @Inject(LoadedConfiguration) configuration: LoadedConfiguration,
    @Inject(AUTHORIZATION_STORE) private readonly store: AuthorizationStore,
    private readonly page: SignInPage,
  ) {
    this.secureCookies = configuration.issuer.startsWith('https:');
  }

  @Get('authorize')
  @HtmlPage()
  @UseGuards(ClientAndRedirectUriGuard, ResponseTypeGuard, PkceGuard, StateGuard, ScopeGuard)
  async authorize(@Req() request: AuthorizeRequest, @Res() reply: FastifyReply): Promise<void> {
    const auth = authorizationContext(request);
    const requestId = randomToken(18);
    const csrfToken = randomToken();
    await this.store.savePending(requestId, {
      clientId: auth.client!.id,
      redirectUri: auth.redirectUri!,
      state: auth.params.state,
      codeChallenge: auth.codeChallenge!,
      scopes: auth.scopes!,
      nonce: auth.params.nonce,
      csrfHash: csrfHash(csrfToken),
      createdAt: Date.now(),
    }, PENDING_AUTHORIZATION_TTL_MS);
    void reply.header('set-cookie', csrfCookie(requestId, csrfToken, PENDING_AUTHORIZATION_TTL_MS / 1000, this.secureCookies));
    this.page.send(reply, 200, { client: auth.client!, scopes: auth.scopes!, requestId, csrfToken });
  }
}
