/**
 * Single sign-on sessions (SPEC §6), stored under the SHA-256 of the browser's session cookie,
 * never the cookie value itself. A session expires after an idle timeout, renewed at each use,
 * and at the latest at its absolute end (`expiresAt`): the store's TTL enforces both. Every
 * operation is one atomic step, so a session ended at one replica serves no request at another.
 *
 * Bound through {@link SESSION_STORE}. The rules (how long, how many grants, when a session may
 * serve a request without the sign-in form) are the core's: the store compares the values it is
 * given, as the other ports do.
 */
export const SESSION_STORE = Symbol.for('sympauthy.SessionStore');

/** One authorization a session served: the code's grant and refresh-token family. */
export interface SessionGrant {
  clientId: string;
  grantId: string;
  familyId: string;
}

export interface SessionRecord {
  /**
   * The session's public id (not the cookie value): carried by the codes and refresh-token
   * families issued in it.
   */
  sessionId: string;
  userId: string;
  /** Seconds since the epoch when the user signed in (`auth_time`). */
  authTime: number;
  /** The absolute end of the session, ms since the epoch (sign-in + `session.lifespan`). */
  expiresAt: number;
  /** The authorizations it served, oldest first (at most the `maxGrants` given when adding). */
  grants: SessionGrant[];
}

/** A grant to add to a session, and what the session must satisfy for it to be added. */
export interface SessionUse {
  grant: SessionGrant;
  /** Add only if the session's user is this one. */
  userId?: string;
  /** Add only if the session's `authTime` is at least this (seconds). */
  authTimeAtLeast?: number;
  /**
   * Keep at most this many grants: beyond it the oldest grant of the same client is dropped, or
   * the oldest grant when the client has none.
   */
  maxGrants: number;
}

export interface SessionTouch {
  /** The session as stored after the call. */
  session: SessionRecord;
  /** Whether the grant of the {@link SessionUse} was added (its conditions held). */
  added: boolean;
}

export interface SessionStore {
  /**
   * Stores a new session under `idHash`, replacing any entry there; it expires after
   * `idleTimeoutMs` or at its `expiresAt`, whichever comes first.
   */
  create(idHash: string, session: SessionRecord, idleTimeoutMs: number, nowMs: number): Promise<void>;
  /**
   * Atomically: if the session exists and `nowMs` is before its `expiresAt`, renew its expiry to
   * `nowMs + idleTimeoutMs` (never past `expiresAt`) and, with `use`, add its grant when every
   * condition of `use` holds; answer the session after the change and whether the grant was
   * added. Otherwise (unknown, idle too long, past its end) answer `undefined` and change nothing.
   */
  touch(idHash: string, idleTimeoutMs: number, nowMs: number, use?: SessionUse): Promise<SessionTouch | undefined>;
  /**
   * Atomically removes the session and answers what it was (`undefined` if there was none): of
   * concurrent calls, exactly one gets the record.
   */
  end(idHash: string): Promise<SessionRecord | undefined>;
}
