import { Controller, Get, HttpCode, Post, Req, Res, UseFilters } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { redirectToClient, redirectWith } from '../../authorize/authorization-redirect.js';
import { AuthorizeExceptionFilter } from '../../authorize/authorize-exception.filter.js';
import { HTML_SECURITY_HEADERS } from '../../authorize/sign-in/html-page.js';
import { Client } from '../../clients/client.js';
import { Clients } from '../../clients/clients.js';
import { ENDPOINT_PATHS } from '../../common/endpoint-paths.js';
import { HtmlPage } from '../../common/route-catalogue.js';
import { FormBody } from '../../common/form-body.js';
import { ServerSettings } from '../../live-config/configuration-snapshot.js';
import type { OutcomeRequest } from '../../observability/request-outcome.js';
import { IdTokenHints } from '../id-token-hints.js';
import { renderLogoutConfirmation, renderSignedOut } from '../session-pages.js';
import { Sessions } from '../sessions.js';
import type { IdTokenHint } from '../sign-in-decision.js';
import { LogoutCsrf } from './logout-csrf.js';
import { LogoutParameters, logoutQuery, logoutRefused, readLogoutParameters } from './logout-request.js';
import { SessionLogout } from './session-logout.js';

/** Where to send the browser once signed out, and which client asked. */
interface LogoutTarget {
  hint: IdTokenHint;
  client?: Client;
  /** A registered post-logout redirect URI, with `state` to echo. */
  redirectUri?: string;
}

/**
 * RP-initiated logout (OpenID Connect RP-Initiated Logout 1.0, SPEC §6) at
 * `GET`/`POST /api/openid/logout`, the `end_session_endpoint`.
 *
 * - An `id_token_hint` must be an ID token of this server (signature by an ID-token key, this
 *   issuer, a registered client; expiry ignored), else an error page. A valid one whose `sub` is
 *   the session's user ends the session at once.
 * - Otherwise (no hint, or the hint of another user) a live session is never ended by the request
 *   itself: a confirmation page asks first, whose form is posted back with a CSRF token bound to
 *   the session. A cross-site GET can therefore not sign anyone out.
 * - `post_logout_redirect_uri` must be one of the client's `allowed-post-logout-redirect-uris`,
 *   exactly (the client named by the hint or `client_id`, which must agree), else an error page
 *   and no redirect; `state` is echoed. Without one, a signed-out page.
 *
 * The session cookie is `SameSite=Lax`: an application's cross-site form POST arrives without it,
 * so such a POST continues as a top-level GET (303), which carries it.
 */
@Controller('api/openid')
@UseFilters(AuthorizeExceptionFilter)
export class LogoutController {
  constructor(
    private readonly server: ServerSettings,
    private readonly clients: Clients,
    private readonly hints: IdTokenHints,
    private readonly sessions: Sessions,
    private readonly csrf: LogoutCsrf,
    private readonly logouts: SessionLogout,
  ) {}

  @Get('logout')
  @HtmlPage()
  async logoutByGet(@Req() request: FastifyRequest & OutcomeRequest, @Res() reply: FastifyReply): Promise<void> {
    await this.logout(request, reply, readLogoutParameters((request.query ?? {}) as Record<string, string | string[]>));
  }

  @Post('logout')
  @HttpCode(200)
  @HtmlPage()
  async logoutByPost(@Req() request: FastifyRequest & OutcomeRequest, @Res() reply: FastifyReply): Promise<void> {
    const body = request.body;
    if (!(body instanceof FormBody) || body.problem) throw logoutRefused('The sign-out request could not be read.');
    const params = readLogoutParameters(body.params);
    if (params.csrfToken !== undefined) {
      await this.confirm(request, reply, params);
    } else if (!this.sessions.hasCookie(request)) {
      const query = logoutQuery(params);
      void reply.code(303).headers({ location: `${this.server.issuer}${ENDPOINT_PATHS.endSession}${query ? `?${query}` : ''}`, 'cache-control': 'no-store', 'referrer-policy': 'no-referrer' }).send();
    } else {
      await this.logout(request, reply, params);
    }
  }

  /** The logout request of an application. */
  private async logout(request: FastifyRequest & OutcomeRequest, reply: FastifyReply, params: LogoutParameters): Promise<void> {
    const target = this.target(params);
    request.clientId = target.client?.id;
    const session = await this.sessions.touch(request);
    if (session === undefined) {
      request.outcome = 'no_session';
      this.signedOut(reply, target, params.state);
      return;
    }
    if (target.hint.kind === 'valid' && target.hint.sub === session.record.userId) {
      await this.logouts.end(request);
      request.outcome = 'logged_out';
      this.signedOut(reply, target, params.state);
      return;
    }
    request.outcome = 'confirmation_required';
    void reply.code(200).headers(HTML_SECURITY_HEADERS).send(renderLogoutConfirmation({
      action: `${this.server.issuer}${ENDPOINT_PATHS.endSession}`,
      csrfToken: this.csrf.tokenFor(session.idHash),
      clientName: target.client?.name,
      clientId: target.client?.id,
      postLogoutRedirectUri: target.redirectUri,
      state: target.redirectUri === undefined ? undefined : params.state,
    }));
  }

  /** The confirmation form, posted from the confirmation page. */
  private async confirm(request: FastifyRequest & OutcomeRequest, reply: FastifyReply, params: LogoutParameters): Promise<void> {
    const target = this.target(params);
    request.clientId = target.client?.id;
    const session = await this.sessions.touch(request);
    if (session !== undefined) {
      if (!this.csrf.matches(params.csrfToken!, session.idHash)) {
        request.outcome = 'csrf_mismatch';
        throw logoutRefused('The sign-out form was not submitted from this browser session. You are still signed in.', 403);
      }
      await this.logouts.end(request);
    }
    request.outcome = session === undefined ? 'no_session' : 'logged_out';
    this.signedOut(reply, target, params.state);
  }

  /** Checks the hint, the client and the redirect URI; any problem is an error page. */
  private target(params: LogoutParameters): LogoutTarget {
    const hint = this.hints.verify(params.idTokenHint);
    if (hint.kind === 'invalid') throw logoutRefused('The id_token_hint is not a valid ID token of this server.');
    let client: Client | undefined;
    if (params.clientId !== undefined) {
      client = this.clients.find(params.clientId);
      if (!client) throw logoutRefused(`No client is registered with the id "${params.clientId.slice(0, 100)}".`);
      if (hint.kind === 'valid' && hint.clientId !== client.id) throw logoutRefused('The client_id is not the client the id_token_hint was issued to.');
    } else if (hint.kind === 'valid') {
      client = this.clients.find(hint.clientId);
    }
    const uri = params.postLogoutRedirectUri;
    if (uri === undefined) return { hint, client };
    if (!client) throw logoutRefused('A post_logout_redirect_uri needs an id_token_hint or a client_id naming the application.');
    if (!client.allowsPostLogoutRedirectUri(uri)) {
      throw logoutRefused(`The post_logout_redirect_uri "${uri.slice(0, 200)}" is not registered for the client "${client.id}".`);
    }
    return { hint, client, redirectUri: uri };
  }

  /** Back to the application (303, with `state`), or the signed-out page; the cookie goes either way. */
  private signedOut(reply: FastifyReply, target: LogoutTarget, state: string | undefined): void {
    if (target.redirectUri !== undefined) {
      redirectToClient(reply, redirectWith(target.redirectUri, { state }), [this.sessions.clearCookie]);
      return;
    }
    void reply.code(200).headers(HTML_SECURITY_HEADERS).header('set-cookie', this.sessions.clearCookie).send(renderSignedOut());
  }
}
