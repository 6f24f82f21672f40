import { Controller, HttpCode, Inject, Post, Req, Res, UseFilters } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { Clients } from '../../clients/clients.js';
import { FormBody } from '../../common/form-body.js';
import { ServerSettings } from '../../live-config/configuration-snapshot.js';
import type { OutcomeRequest } from '../../observability/request-outcome.js';
import { SWITCH_ACCOUNT_FIELD } from '../../session/session-pages.js';
import { Sessions, newSessionGrant } from '../../session/sessions.js';
import { REPLAY_CACHE } from '../../store/replay-cache.js';
import type { ReplayCache } from '../../store/replay-cache.js';
import { AuthorizationCodeIssuer } from '../authorization-code-issuer.js';
import { redirectToClient, redirectWith } from '../authorization-redirect.js';
import { AuthorizationPageError } from '../authorization-request.js';
import { AuthorizeExceptionFilter } from '../authorize-exception.filter.js';
import { CSRF_COOKIE_PREFIX, clearCsrfCookie, csrfMatches, readCookie } from './csrf-binding.js';
import { CANCEL_FIELD } from './html-page.js';
import type { PendingSignIn } from './pending-sign-in.js';
import { PendingSignIns } from './pending-sign-in.js';
import { ProxyWarning } from './proxy-warning.js';
import { SignInPage } from './sign-in-page.js';
import { SignInService } from './sign-in.service.js';
import { HtmlPage } from '../../common/route-catalogue.js';

const WRONG_CREDENTIALS = 'Incorrect username or password.';
const EXPIRED = 'This sign-in request is unknown or has expired. Return to the application and start again.';

/**
 * `POST /api/oauth2/sign-in`: the form of the sign-in page. The sealed pending sign-in must be
 * ours and unexpired; CSRF (field + cookie + the hash sealed with the request); then
 * {@link SignInService} (throttle, password, metrics). Wrong credentials re-render the page (200,
 * no redirect); success spends the form (once, on every replica), starts a new single sign-on
 * session (a new cookie: the browser's previous session ends), issues a code in it and answers
 * `303 See Other` to the redirect URI with `code`, `state` and `iss`. Cancel spends the form too
 * and answers the same way with `error=access_denied` (RFC 6749 §4.1.2.1). "Not you?" (the
 * `switch_account` button) ends the browser's session and shows the form again.
 */
@Controller('api/oauth2')
@UseFilters(AuthorizeExceptionFilter)
export class SignInController {
  constructor(
    private readonly server: ServerSettings,
    private readonly clients: Clients,
    private readonly pendingSignIns: PendingSignIns,
    private readonly signIns: SignInService,
    private readonly codes: AuthorizationCodeIssuer,
    private readonly page: SignInPage,
    @Inject(REPLAY_CACHE) private readonly replay: ReplayCache,
    private readonly proxyWarning: ProxyWarning,
    private readonly sessions: Sessions,
  ) {}

  @Post('sign-in')
  @HtmlPage()
  @HttpCode(200)
  async signIn(@Req() request: FastifyRequest & OutcomeRequest, @Res() reply: FastifyReply): Promise<void> {
    const body = request.body;
    if (!(body instanceof FormBody) || body.problem) {
      throw new AuthorizationPageError('Invalid request', 'The sign-in form could not be read.');
    }
    const sealed = body.get('request') ?? '';
    const pending = this.pendingSignIns.unseal(sealed);
    const client = pending && this.clients.find(pending.clientId);
    // The client, and its redirect URI, must still be registered: a reload may have removed them
    // since the form was opened.
    if (!pending || !client || !client.matchRedirectUri(pending.redirectUri)) throw new AuthorizationPageError('Sign-in expired', EXPIRED);
    request.clientId = client.id;
    // Nor may the code carry a scope that a reload took from the client (or removed) since then:
    // it is dropped, as a scope outside allowed-scopes is at the authorization endpoint.
    const scopes = client.stillAllowedOf(pending.scopes);
    const csrfToken = body.get('csrf_token');
    if (!csrfMatches(csrfToken, readCookie(request, CSRF_COOKIE_PREFIX + pending.id), pending.csrfHash)) {
      throw new AuthorizationPageError('Request refused', 'The sign-in form was not submitted from this browser session. Return to the application and start again.', 403);
    }
    if (body.get(CANCEL_FIELD) !== undefined) {
      await this.spend(pending);
      this.answerClient(reply, pending, { error: 'access_denied', error_description: 'the user cancelled the sign-in' });
      return;
    }
    if (body.get(SWITCH_ACCOUNT_FIELD) !== undefined) {
      await this.sessions.end(request);
      void reply.header('set-cookie', this.sessions.clearCookie);
      this.page.send(reply, 200, { client, scopes, sealed, csrfToken: csrfToken! });
      return;
    }
    const username = (body.get('username') ?? '').trim();
    const password = body.get('password') ?? '';
    const signedInAs = this.sessions.hasCookie(request) ? pending.signedInAs : undefined;
    const model = { client, scopes, sealed, csrfToken: csrfToken!, username, signedInAs };
    if (!username || !password) {
      this.page.send(reply, 400, { ...model, error: 'Enter your username and password.' });
      return;
    }

    this.proxyWarning.observe(request.socket.remoteAddress ?? '', request.headers['x-forwarded-for']);
    const result = await this.signIns.signIn(username, password, request.ip);
    request.outcome = result.outcome;
    if (result.outcome === 'throttled') {
      void reply.header('retry-after', String(result.retryAfterSeconds));
      this.page.send(reply, 429, { ...model, error: `Too many failed attempts. Try again in ${describeSeconds(result.retryAfterSeconds)}.` });
      return;
    }
    if (result.outcome === 'wrong_credentials') {
      // 200, not 401: a 401 must carry WWW-Authenticate (RFC 9110 §15.5.2), and browsers log it as an error.
      this.page.send(reply, 200, { ...model, error: WRONG_CREDENTIALS });
      return;
    }
    // Recorded, spent, the session started and the code issued at once (one batch to a shared
    // store): a code saved for a form that turns out already spent is never handed out.
    const grant = newSessionGrant(client.id);
    const identity = this.sessions.newIdentity();
    const [, , { setCookie }, code] = await Promise.all([
      result.recorded,
      this.spend(pending),
      this.sessions.start(request, result.user.id, grant, identity),
      this.codes.issue({ ...pending, scopes }, result.user.id, identity.authTime, identity.sessionId, grant),
    ]);
    this.answerClient(reply, pending, { code }, [setCookie]);
  }

  /** Marks the form used, once on every replica: a second submission gets an error page. */
  private async spend(pending: PendingSignIn): Promise<void> {
    if (!(await this.replay.rememberOnce(`sign-in:${pending.id}`, Math.max(1000, pending.expiresAt - Date.now() + 1000)))) {
      throw new AuthorizationPageError('Sign-in already completed', 'This sign-in request was already used. Return to the application and start again.');
    }
  }

  /** `303 See Other` to the redirect URI with `params`, `state` and `iss`, ending the CSRF cookie. */
  private answerClient(reply: FastifyReply, pending: PendingSignIn, params: Record<string, string>, cookies: string[] = []): void {
    redirectToClient(reply, redirectWith(pending.redirectUri, { ...params, state: pending.state, iss: this.server.issuer }),
      [clearCsrfCookie(pending.id, this.server.basePath, this.server.secureCookies), ...cookies]);
  }
}

function describeSeconds(seconds: number): string {
  if (seconds < 90) return `${seconds} second${seconds === 1 ? '' : 's'}`;
  const minutes = Math.ceil(seconds / 60);
  return `${minutes} minutes`;
}
