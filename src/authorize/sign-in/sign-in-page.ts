import { Injectable } from '@nestjs/common';
import type { FastifyReply } from 'fastify';
import { Client } from '../../clients/client.js';
import { ScopeRegistry } from '../../scopes/scope-registry.js';
import { HTML_SECURITY_HEADERS, renderSignInPage } from './html-page.js';

export const SIGN_IN_ACTION = '/api/oauth2/sign-in';

/** What the application gets, in the user's words: "Signing in gives <app> access to: …". */
const BUILT_IN_DESCRIPTIONS: Record<string, string> = {
  openid: 'Your account ID, so it knows it is you',
  profile: 'Your name and profile details',
  email: 'Your email address',
  address: 'Your postal address',
  phone: 'Your phone number',
};

/** Renders the sign-in form for a pending authorization request. */
@Injectable()
export class SignInPage {
  private readonly descriptions: Map<string, string>;

  constructor(scopes: ScopeRegistry) {
    this.descriptions = new Map(scopes.ids.map((id) => [id, scopes.get(id)?.description ?? BUILT_IN_DESCRIPTIONS[id] ?? id]));
  }

  send(reply: FastifyReply, status: number, model: { client: Client; scopes: readonly string[]; requestId: string; csrfToken: string; username?: string; error?: string }): void {
    void reply.code(status).headers(HTML_SECURITY_HEADERS).send(renderSignInPage({
      clientName: model.client.name,
      scopes: model.scopes,
      scopeDescriptions: this.descriptions,
      action: SIGN_IN_ACTION,
      requestId: model.requestId,
      csrfToken: model.csrfToken,
      username: model.username,
      error: model.error,
    }));
  }
}
