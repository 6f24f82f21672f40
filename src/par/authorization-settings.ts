import type { AuthorizationConfig } from '../config/sympauthy-config.js';

/** `authorization.*`, validated, with its defaults. */
export interface AuthorizationSettings {
  /** RFC 9126 §5: every client must use pushed authorization requests. */
  readonly requirePushedAuthorizationRequests: boolean;
}

/** The authorization slice of a configuration snapshot. */
export function buildAuthorizationSettings(config: AuthorizationConfig | undefined): AuthorizationSettings {
  return Object.freeze({ requirePushedAuthorizationRequests: config?.requirePushedAuthorizationRequests ?? false });
}
