import { Inject, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { AuthorizationRequest } from '../authorize/authorization-request.js';
import type { SessionGrant, SessionRecord } from '../store/session-store.js';
import { USER_DIRECTORY } from '../users/user-directory.js';
import type { User, UserDirectory } from '../users/user-directory.js';
import { IdTokenHints } from './id-token-hints.js';
import { Sessions, newSessionGrant } from './sessions.js';
import { SilentSignInError, signInOutcome, signInRequirements } from './sign-in-decision.js';

/** How the authorization endpoint answers an accepted request, given the browser's session. */
export type SessionAnswer =
  /** Issue the code for the session's user, `auth_time` and session, starting `grant` (already listed by the session). */
  | { readonly kind: 'silent'; readonly session: SessionRecord; readonly grant: SessionGrant }
  /** Show the sign-in form; `signedInAs`: the name of the session's user, when there is one. */
  | { readonly kind: 'form'; readonly signedInAs?: string }
  | { readonly kind: 'error'; readonly error: SilentSignInError; readonly description: string };

/** The most characters of a user's name shown on the sign-in page. */
const MAX_NAME_LENGTH = 100;

/**
 * Single sign-on at the authorization endpoint: verifies the `id_token_hint`, decides what the
 * request needs ({@link signInRequirements}), and in one store operation renews the browser's
 * session and lists the new grant in it when the session meets those needs. No store operation
 * at all without a session cookie.
 */
@Injectable()
export class SingleSignOn {
  constructor(
    private readonly sessions: Sessions,
    private readonly hints: IdTokenHints,
    @Inject(USER_DIRECTORY) private readonly users: UserDirectory,
  ) {}

  async authorize(request: AuthorizationRequest, http: FastifyRequest): Promise<SessionAnswer> {
    const requirements = signInRequirements(request, this.hints.verify(request.idTokenHint), Math.floor(this.sessions.now() / 1000));
    const grant = newSessionGrant(request.client.id);
    let session = requirements.error || !this.sessions.hasCookie(http) ? undefined
      : await this.sessions.touch(http, requirements.silently && { grant, ...requirements.silently });
    const user = session && await this.users.findById(session.record.userId);
    if (session && !user) {
      // The user is gone (a reload removed them): their session ends, and answers as none would —
      // never a code for a user the directory no longer has, nor "You are signed in as" them.
      await this.sessions.end(http);
      session = undefined;
    }
    const outcome = signInOutcome(requirements, { exists: session !== undefined, served: session?.added ?? false });
    switch (outcome.kind) {
      case 'silent':
        return { kind: 'silent', session: session!.record, grant };
      case 'error':
        return outcome;
      case 'form':
        return { kind: 'form', signedInAs: session && user && nameOf(user) };
    }
  }
}

/** What the sign-in page calls the session's user: a name claim, else the user id. */
function nameOf(user: User): string {
  const claims = user.claims ?? {};
  const name = [claims.name, claims.preferred_username, claims.email].find((c): c is string => typeof c === 'string' && c.trim() !== '') ?? user.id;
  return name.length > MAX_NAME_LENGTH ? `${name.slice(0, MAX_NAME_LENGTH - 1)}…` : name;
}
