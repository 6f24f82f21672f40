import type { SessionGrant, SessionRecord, SessionStore, SessionTouch, SessionUse } from '../session-store.js';
import type { RedisConnection } from './redis-connection.js';
import { redisKeys, ttlArgument } from './redis-keys.js';

/**
 * A session is a hash under `session:<hash of the cookie>` (`sid`, `user`, `authTime`,
 * `expiresAt`, `grants`) whose TTL is the idle timeout, capped at its absolute end. Each
 * operation is one script: one round trip, atomic, one key (valid on a Redis Cluster).
 */
export class RedisSessionStore implements SessionStore {
  constructor(private readonly redis: RedisConnection) {}

  async create(idHash: string, session: SessionRecord, idleTimeoutMs: number, nowMs: number): Promise<void> {
    ttlArgument(idleTimeoutMs);
    if (session.expiresAt <= nowMs) return;
    const ttl = ttlArgument(Math.min(idleTimeoutMs, session.expiresAt - nowMs));
    await this.redis.run('creating a session', () => this.redis.client.createSession(
      redisKeys.session(idHash), ttl, session.sessionId, session.userId, session.authTime, session.expiresAt, JSON.stringify(session.grants)));
  }

  async touch(idHash: string, idleTimeoutMs: number, nowMs: number, use?: SessionUse): Promise<SessionTouch | undefined> {
    const idle = ttlArgument(idleTimeoutMs);
    const useArguments = use === undefined ? [] : [
      JSON.stringify(use.grant), use.grant.clientId, use.maxGrants,
      use.userId === undefined ? '0' : '1', use.userId ?? '',
      use.authTimeAtLeast === undefined ? '0' : '1', use.authTimeAtLeast ?? 0,
    ];
    const reply = await this.redis.run('using a session', () => this.redis.client.touchSession(redisKeys.session(idHash), idle, Math.floor(nowMs), ...useArguments));
    if (!reply) return undefined;
    return { session: recordOf(reply), added: reply[5] === 1 };
  }

  async end(idHash: string): Promise<SessionRecord | undefined> {
    const reply = await this.redis.run('ending a session', () => this.redis.client.endSession(redisKeys.session(idHash)));
    return reply ? recordOf(reply) : undefined;
  }
}

function recordOf([sessionId, userId, authTime, expiresAt, grants]: readonly (string | number)[]): SessionRecord {
  const list: unknown = JSON.parse(String(grants));
  return {
    sessionId: String(sessionId),
    userId: String(userId),
    authTime: Number(authTime),
    expiresAt: Number(expiresAt),
    // An empty Lua table encodes as `{}`: no grant.
    grants: Array.isArray(list) ? (list as SessionGrant[]).map(({ clientId, grantId, familyId }) => ({ clientId, grantId, familyId })) : [],
  };
}
