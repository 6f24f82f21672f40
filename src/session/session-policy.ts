import { Injectable } from '@nestjs/common';
import { LiveConfiguration } from '../live-config/live-configuration.js';
import type { SessionSettings } from './session-settings.js';

/**
 * The most grants a session lists (a session record stays small). Beyond it the oldest grant of
 * the same client is forgotten first (a single-page app renewing silently replaces its own older
 * grants, not another application's), else the oldest.
 */
export const MAX_SESSION_GRANTS = 32;

/** The session slice of the configuration in force (a reload changes it for the next request). */
@Injectable()
export class SessionPolicy {
  private readonly settings: () => SessionSettings;

  constructor(live: LiveConfiguration) {
    this.settings = live.select((s) => s.session);
  }

  get lifespanMs(): number {
    return this.settings().lifespanMs;
  }

  get idleTimeoutMs(): number {
    return this.settings().idleTimeoutMs;
  }

  get logoutRevokesTokens(): boolean {
    return this.settings().logoutRevokesTokens;
  }
}
