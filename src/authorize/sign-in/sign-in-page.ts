import { Injectable } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { Client } from '../../clients/client.js';
import { ServerSettings } from '../../live-config/configuration-snapshot.js';
import { Scopes } from '../../scopes/scopes.js';
import { signedInNotice, switchAccountButton } from '../../session/session-pages.js';
import { HTML_SECURITY_HEADERS, renderSignInPage } from './html-page.js';

/** The route of the sign-in form, as registered (the browser sees it under the issuer's path). */
export const SIGN_IN_PATH = '/api/oauth2/sign-in';

/** What the application gets, in the user's words: "Signing in gives <app> access to: …". */
const BUILT_IN_DESCRIPTIONS: Record<string, string> = {
  openid: 'Your account ID, so it knows it is you',
  profile: 'Your name and profile details',
  email: 'Your email address',
  address: 'Your postal address',
  phone: 'Your phone number',
};

export interface SignInPageModel {
  client: Client;
  scopes: readonly string[];
  /** The sealed pending sign-in (hidden field `request`). */
  sealed: string;
  csrfToken: string;
  username?: string;
  error?: string;
  /** The name of the browser's session user, when it has a session ("Not you?"). */
  signedInAs?: string;
}

/**
 * Renders the sign-in form for a pending sign-in. The form posts to the sign-in route under the
 * issuer's path: behind a proxy that serves this server at `https://host/auth`, a bare
 * `/api/oauth2/sign-in` would send the username and password to whatever else the host serves
 * there, without the CSRF cookie.
 */
@Injectable()
export class SignInPage {
  private readonly action: string;

  constructor(private readonly scopes: Scopes, server: ServerSettings) {
    this.action = `${server.basePath}${SIGN_IN_PATH}`;
  }

  send(reply: FastifyReply, status: number, model: SignInPageModel): void {
    void reply.code(status).headers(HTML_SECURITY_HEADERS).send(renderSignInPage({
      clientName: model.client.name,
      scopes: model.scopes,
      scopeDescriptions: new Map(model.scopes.map((s) => [s, this.scopes.description(s) ?? BUILT_IN_DESCRIPTIONS[s] ?? s])),
      action: this.action,
      request: model.sealed,
      csrfToken: model.csrfToken,
      username: model.username,
      error: model.error,
      signedIn: model.signedInAs === undefined ? undefined : { noticeHtml: signedInNotice(model.signedInAs), switchButtonHtml: switchAccountButton() },
    }));
  }
}
