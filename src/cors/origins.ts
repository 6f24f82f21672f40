import { ValidateBy, ValidationOptions } from '../config/class-validator.js';

/**
 * Browser origins (RFC 6454) as CORS compares them: the serialized `scheme://host[:port]` a
 * browser sends in the `Origin` header — lower case, no default port, no path.
 */

const OTHER_SCHEME_ORIGIN = /^([a-z][a-z0-9+.-]*):\/\/[a-z0-9-]+(?:\.[a-z0-9-]+)*(?::(\d{1,5}))?$/;

/** Why `value` is not an origin a client may list in `allowed-origins`, or `undefined`. */
export function originProblem(value: unknown): string | undefined {
  if (typeof value !== 'string') return 'must be a list of origins (strings)';
  const quoted = JSON.stringify(value);
  if (value === '*') return `${quoted} is not allowed: list each origin (only discovery and the JWKS answer any origin)`;
  // The origin of a browser extension or a web view app: chrome-extension://<id>, capacitor://localhost.
  const other = OTHER_SCHEME_ORIGIN.exec(value);
  if (other && !['http', 'https', 'file'].includes(other[1]) && Number(other[2] ?? 0) <= 65535) return undefined;
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    return `${quoted} is not an origin (scheme://host[:port], e.g. https://app.example.com)`;
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return `${quoted} is not an origin (scheme://host[:port], e.g. https://app.example.com)`;
  if (url.origin !== value) return `${quoted} is not an origin: write ${url.origin} (scheme://host[:port], no path)`;
  return undefined;
}

/** class-validator rule for `allowed-origins`: every entry an origin (the message names the entries). */
export function IsOriginList(options?: ValidationOptions): PropertyDecorator {
  return ValidateBy({
    name: 'isOriginList',
    validator: {
      // Not a list: IsArray reports it.
      validate: (value) => !Array.isArray(value) || value.every((v) => originProblem(v) === undefined),
      defaultMessage: (args) => (args?.value as unknown[]).map(originProblem).filter((p) => p !== undefined).join('; '),
    },
  }, options);
}

/**
 * The origin a browser page served at `uri` sends, for the redirect URIs a client registered:
 * `undefined` for a URI that is not http(s) (custom schemes of native apps have no web origin).
 */
export function originOf(uri: string): string | undefined {
  try {
    const url = new URL(uri);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.origin : undefined;
  } catch {
    return undefined;
  }
}

/**
 * `http://127.0.0.1` and `http://[::1]` (any scheme) without their port, for a loopback
 * origin; `undefined` otherwise. A loopback redirect URI matches any port (RFC 8252 §7.3, see
 * the redirect URI matcher), so the origins derived from it do too.
 */
export function loopbackOriginWithoutPort(origin: string): string | undefined {
  const match = /^(https?:\/\/(?:127\.0\.0\.1|\[::1\]))(?::(\d{1,5}))?$/.exec(origin);
  if (!match || Number(match[2] ?? 0) > 65535) return undefined;
  return match[1];
}
