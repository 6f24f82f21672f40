import { Injectable } from '@nestjs/common';
import { LiveConfiguration } from '../live-config/live-configuration.js';
import type { AuthorizationSettings } from './authorization-settings.js';

/** The authorization slice of the configuration in force: `authorization.*`. */
@Injectable()
export class PushedRequestPolicy {
  private readonly settings: () => AuthorizationSettings;

  constructor(live: LiveConfiguration) {
    this.settings = live.select((s) => s.authorization);
  }

  /** `authorization.require-pushed-authorization-requests`: every client must push its requests. */
  get requiredForAll(): boolean {
    return this.settings().requirePushedAuthorizationRequests;
  }
}
