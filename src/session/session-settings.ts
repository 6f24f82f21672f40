import { ConfigErrors } from '../config/config-errors.js';
import { parseDuration } from '../config/duration.js';
import type { SessionConfig } from '../config/sympauthy-config.js';

/** The session slice of the configuration (SPEC §6), durations in ms. */
export interface SessionSettings {
  /** `session.lifespan`: a session ends this long after its sign-in, however much it is used. */
  readonly lifespanMs: number;
  /** `session.idle-timeout`: a session unused this long ends. */
  readonly idleTimeoutMs: number;
  /** `session.logout-revokes-tokens`: logging out revokes the grants the session served. */
  readonly logoutRevokesTokens: boolean;
}

export const DEFAULT_SESSION_SETTINGS: SessionSettings = Object.freeze({
  lifespanMs: 8 * 3_600_000,
  idleTimeoutMs: 3_600_000,
  logoutRevokesTokens: false,
});

/** Builds the session slice from `session.*` (already checked to be durations and a boolean). */
export function buildSessionSettings(config: SessionConfig | undefined, errors: ConfigErrors): SessionSettings {
  const lifespanMs = parseDuration(config?.lifespan) ?? DEFAULT_SESSION_SETTINGS.lifespanMs;
  const idleTimeoutMs = parseDuration(config?.idleTimeout) ?? DEFAULT_SESSION_SETTINGS.idleTimeoutMs;
  if (lifespanMs < 1000) errors.add('session.lifespan', 'must be at least 1s');
  if (idleTimeoutMs < 1000) errors.add('session.idle-timeout', 'must be at least 1s');
  return Object.freeze({ lifespanMs, idleTimeoutMs, logoutRevokesTokens: config?.logoutRevokesTokens ?? DEFAULT_SESSION_SETTINGS.logoutRevokesTokens });
}
