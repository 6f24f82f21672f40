import { Inject, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { randomToken, tokenHash } from '../common/secure-tokens.js';
import { ServerSettings } from '../live-config/configuration-snapshot.js';
import { SESSION_STORE } from '../store/session-store.js';
import type { SessionGrant, SessionRecord, SessionStore, SessionUse } from '../store/session-store.js';
import { MAX_SESSION_GRANTS, SessionPolicy } from './session-policy.js';
import { clearSessionCookie, readSessionCookie, sessionCookie, sessionCookiePath } from './session-cookie.js';

/** A live session of the browser that made a request. */
export interface BrowserSession {
  /** The store key: the SHA-256 of the cookie (the cookie value itself is never kept). */
  idHash: string;
  record: SessionRecord;
}

/** What a session must satisfy to serve an authorization without the form (see `sign-in-decision.ts`). */
export type SessionConditions = Omit<SessionUse, 'grant' | 'maxGrants'>;

/** A new grant's ids, chosen before its code is issued so that the session can list them first. */
export function newSessionGrant(clientId: string): SessionGrant {
  return { clientId, grantId: randomToken(16), familyId: randomToken(16) };
}

/** A session's id and sign-in time, chosen before it is stored. */
export interface SessionIdentity {
  sessionId: string;
  /** Seconds since the epoch. */
  authTime: number;
  nowMs: number;
}

/**
 * Single sign-on sessions (SPEC §6) over the {@link SESSION_STORE}: the browser holds a random
 * 256-bit cookie, the store holds the session under its hash. A session is renewed at each use
 * (`session.idle-timeout`) and ends `session.lifespan` after its sign-in, both enforced by the
 * store's TTL and checked again here at each use (a reload may have shortened them). Every sign-in
 * mints a new cookie value (no fixation); a session id is never logged.
 */
@Injectable()
export class Sessions {
  private readonly cookiePath: string;
  /** The clock (tests replace it). */
  now: () => number = Date.now;

  constructor(
    @Inject(SESSION_STORE) private readonly store: SessionStore,
    private readonly policy: SessionPolicy,
    private readonly server: ServerSettings,
  ) {
    this.cookiePath = sessionCookiePath(server.issuer);
  }

  /** Whether the request carries a session cookie at all (live or not). */
  hasCookie(request: FastifyRequest): boolean {
    return readSessionCookie(request) !== undefined;
  }

  /**
   * The request's live session, renewed; with `use`, its grant is added in the same atomic step
   * when `use`'s conditions hold (`added`).
   */
  async touch(request: FastifyRequest, use?: { grant: SessionGrant } & SessionConditions): Promise<(BrowserSession & { added: boolean }) | undefined> {
    const cookie = readSessionCookie(request);
    if (cookie === undefined) return undefined;
    const idHash = tokenHash(cookie);
    const nowMs = this.now();
    const touched = await this.store.touch(idHash, this.policy.idleTimeoutMs, nowMs, use && { ...use, maxGrants: MAX_SESSION_GRANTS });
    if (touched === undefined) return undefined;
    if (touched.session.authTime * 1000 + this.policy.lifespanMs <= nowMs) {
      // Started under a longer session.lifespan than the one in force now.
      await this.store.end(idHash);
      return undefined;
    }
    return { idHash, record: touched.session, added: touched.added };
  }

  /**
   * Starts the session of a user who just signed in, with `grant` (the code about to be issued).
   * The browser's previous session ends; when it was the same user's, its grants carry over (a
   * logout still reaches them). The id is always new: a cookie planted before the sign-in never
   * names the signed-in session.
   */
  async start(
    request: FastifyRequest, userId: string, grant: SessionGrant, identity: SessionIdentity = this.newIdentity(),
  ): Promise<{ record: SessionRecord; setCookie: string }> {
    const previous = await this.end(request);
    const { sessionId, authTime, nowMs } = identity;
    const carried = previous?.userId === userId ? previous.grants : [];
    const record: SessionRecord = {
      sessionId,
      userId,
      authTime,
      expiresAt: nowMs + this.policy.lifespanMs,
      grants: [...carried, grant].slice(-MAX_SESSION_GRANTS),
    };
    const cookie = randomToken();
    await this.store.create(tokenHash(cookie), record, this.policy.idleTimeoutMs, nowMs);
    return { record, setCookie: sessionCookie(cookie, this.policy.lifespanMs / 1000, this.cookiePath, this.server.secureCookies) };
  }

  /**
   * The id and sign-in time of a session about to start: known before it is stored, so that the
   * code issued with it can be written at the same time.
   */
  newIdentity(): SessionIdentity {
    const nowMs = this.now();
    return { sessionId: randomToken(16), authTime: Math.floor(nowMs / 1000), nowMs };
  }

  /** Ends the request's session, if it has one, and answers what it was. */
  async end(request: FastifyRequest): Promise<SessionRecord | undefined> {
    const cookie = readSessionCookie(request);
    return cookie === undefined ? undefined : this.store.end(tokenHash(cookie));
  }

  /** The `Set-Cookie` value that removes the session cookie from the browser. */
  get clearCookie(): string {
    return clearSessionCookie(this.cookiePath, this.server.secureCookies);
  }
}
