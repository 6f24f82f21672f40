import { Controller, HttpCode, Inject, Post, Req, Res, UseFilters } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ClientRegistry } from '../../clients/client-registry.js';
import { FormBody } from '../../common/form-body.js';
import { LoadedConfiguration } from '../../config/load-configuration.js';
import { Metrics } from '../../observability/metrics.js';
import { AUTHORIZATION_STORE } from '../../store/authorization-store.js';
import type { AuthorizationStore } from '../../store/authorization-store.js';
import { USER_DIRECTORY } from '../../users/user-directory.js';
import type { UserDirectory } from '../../users/user-directory.js';
import { AuthorizationCodeIssuer } from '../authorization-code-issuer.js';
import { AuthorizationPageError } from '../authorization-request.js';
import { redirectWith } from '../authorization-redirect.js';
import { AuthorizeExceptionFilter } from '../authorize-exception.filter.js';
import { CSRF_COOKIE_PREFIX, clearCsrfCookie, csrfMatches, readCookie } from './csrf-cookie.js';
import { SignInPage } from './sign-in-page.js';
import { SignInThrottle } from './sign-in-throttle.js';
import { HtmlPage } from '../../common/route-catalogue.js';

const WRONG_CREDENTIALS = 'Incorrect username or password.';

/**
 * `POST /api/oauth2/sign-in`: the form of the sign-in page. CSRF (cookie + field + the hash
 * stored with the pending request), throttling, then the user directory. Wrong credentials
 * re-render the page (401, no redirect); success issues a code and answers `303 See Other` to
 * the redirect URI with `code`, `state` and `iss`.
 */
@Controller('api/oauth2')
@UseFilters(AuthorizeExceptionFilter)
export class SignInController {
  private readonly issuer: string;
  private readonly secureCookies: boolean;

  constructor(
    @Inject(LoadedConfiguration) configuration: LoadedConfiguration,
    @Inject(AUTHORIZATION_STORE) private readonly store: AuthorizationStore,
    @Inject(USER_DIRECTORY) private readonly users: UserDirectory,
    private readonly clients: ClientRegistry,
    private readonly codes: AuthorizationCodeIssuer,
    private readonly throttle: SignInThrottle,
    private readonly page: SignInPage,
    private readonly metrics: Metrics,
  ) {
    this.issuer = configuration.issuer;
    this.secureCookies = this.issuer.startsWith('https:');
  }

  @Post('sign-in')
  @HtmlPage()
  @HttpCode(200)
  async signIn(@Req() request: FastifyRequest, @Res() reply: FastifyReply): Promise<void> {
    const body = request.body;
    if (!(body instanceof FormBody) || body.problem) {
      throw new AuthorizationPageError('Invalid request', 'The sign-in form could not be read.');
    }
    const requestId = body.get('request_id') ?? '';
    const pending = /^[A-Za-z0-9_-]{1,64}$/.test(requestId) ? await this.store.findPending(requestId) : undefined;
    const client = pending && this.clients.find(pending.clientId);
    if (!pending || !client) {
      throw new AuthorizationPageError('Sign-in expired', 'This sign-in request is unknown or has expired. Return to the application and start again.');
    }
    const csrfToken = body.get('csrf_token');
    if (!csrfMatches(csrfToken, readCookie(request, CSRF_COOKIE_PREFIX + requestId), pending.csrfHash)) {
      throw new AuthorizationPageError('Request refused', 'The sign-in form was not submitted from this browser session. Return to the application and start again.', 403);
    }
    const username = (body.get('username') ?? '').trim();
    const password = body.get('password') ?? '';
    const model = { client, scopes: pending.scopes, requestId, csrfToken: csrfToken!, username };
    if (!username || !password) {
      this.page.send(reply, 400, { ...model, error: 'Enter your username and password.' });
      return;
    }

    const decision = await this.throttle.check(username, request.ip);
    if (!decision.allowed) {
      void reply.header('retry-after', String(decision.retryAfterSeconds));
      this.metrics.signIn('throttled');
      this.page.send(reply, 429, { ...model, error: `Too many failed attempts. Try again in ${decision.retryAfterSeconds} seconds.` });
      return;
    }
    if (decision.delayMs > 0) await new Promise((resolve) => setTimeout(resolve, decision.delayMs));

    const user = await this.users.authenticate(username, password);
    if (!user) {
      await this.throttle.recordFailure(username, request.ip);
      this.metrics.signIn('wrong_credentials');
      this.page.send(reply, 401, { ...model, error: WRONG_CREDENTIALS });
      return;
    }
    await this.throttle.recordSuccess(username);
    this.metrics.signIn('success');
    if (!(await this.store.takePending(requestId))) {
      throw new AuthorizationPageError('Sign-in already completed', 'This sign-in request was already used. Return to the application and start again.');
    }
    const code = await this.codes.issue(pending, user.id, Math.floor(Date.now() / 1000));
    void reply
      .code(303)
      .headers({ location: redirectWith(pending.redirectUri, { code, state: pending.state, iss: this.issuer }), 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' })
      .header('set-cookie', clearCsrfCookie(requestId, this.secureCookies))
      .send();
  }
}
