import { RouteConfig } from '@nestjs/platform-fastify';
import type { RouteOptions } from 'fastify';
import { OAuthError } from './oauth-error.js';

/** How a route renders its errors: an OAuth-style JSON body, or an HTML page for a browser. */
export type ErrorFormat = 'json' | 'html';

const HTML_PAGE = 'sympauthyHtmlPage';

/**
 * Marks a route as a page a browser shows (the authorization endpoint, the sign-in form):
 * errors raised before its controller runs (unsupported method, oversized body, …) are then
 * answered with an HTML page, like the controller's own errors.
 */
export const HtmlPage = (): MethodDecorator => RouteConfig({ [HTML_PAGE]: true });

export interface CataloguedRoute {
  /** The route's path as registered (`/api/oauth2/token`). */
  path: string;
  /** Every method it answers, sorted (`HEAD` comes with `GET`). */
  methods: string[];
  format: ErrorFormat;
}

/**
 * Every route of the app, recorded as Fastify registers it. It answers what the router cannot:
 * which methods a path accepts (for `405` and `Allow`), how a path renders its errors, and the
 * list of endpoints the HTTP fuzzer covers.
 */
export class RouteCatalogue {
  private readonly byPath = new Map<string, { methods: Set<string>; format: ErrorFormat; pattern?: RegExp }>();

  record(route: Pick<RouteOptions, 'method' | 'url' | 'config'>): void {
    // A catch-all (`*`, as a CORS preflight plugin registers) does not make every path exist.
    if (/^\/?\*$/.test(route.url)) return;
    const entry = this.byPath.get(route.url) ?? { methods: new Set<string>(), format: 'json' as ErrorFormat, pattern: patternOf(route.url) };
    for (const method of Array.isArray(route.method) ? route.method : [route.method]) entry.methods.add(method.toUpperCase());
    if (entry.methods.has('GET')) entry.methods.add('HEAD');
    if ((route.config as Record<string, unknown> | undefined)?.[HTML_PAGE] === true) entry.format = 'html';
    this.byPath.set(route.url, entry);
  }

  /** The route a request target (path and query, as sent) falls on, whatever its method. */
  find(target: string): CataloguedRoute | undefined {
    const path = routablePath(target);
    if (path === undefined) return undefined;
    const exact = this.byPath.get(path);
    if (exact && !exact.pattern) return describe(path, exact);
    for (const [url, entry] of this.byPath) {
      if (entry.pattern?.test(path)) return describe(url, entry);
    }
    return undefined;
  }

  /** How errors for this target are rendered (JSON unless it is a known HTML page). */
  formatOf(target: string): ErrorFormat {
    return this.find(target)?.format ?? 'json';
  }

  all(): CataloguedRoute[] {
    return [...this.byPath].map(([path, entry]) => describe(path, entry)).sort((a, b) => a.path.localeCompare(b.path));
  }
}

/**
 * The answer to a method the path does not accept (RFC 9110 §15.5.6): 405 with `Allow`, as
 * `invalid_request` in the route's error format.
 */
export function methodNotAllowed(route: CataloguedRoute): OAuthError {
  const allow = route.methods.join(', ');
  return new OAuthError('invalid_request', `this endpoint accepts ${allow} only`, 405, { allow });
}

function describe(path: string, entry: { methods: Set<string>; format: ErrorFormat }): CataloguedRoute {
  return { path, methods: [...entry.methods].sort(), format: entry.format };
}

/** Parametric paths (`/a/:id`, `/a/*`) as a regular expression; static paths need none. */
function patternOf(url: string): RegExp | undefined {
  if (!/[:*]/.test(url)) return undefined;
  const source = url.split('/').map((segment) => {
    if (segment === '*') return '.*';
    if (segment.startsWith(':')) return '[^/]+';
    return segment.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  }).join('/');
  return new RegExp(`^${source}$`);
}

/**
 * The path part of a request target as the router compares it: before `?` or `#`, with
 * percent-encoded unreserved characters decoded (`/%74oken` is `/token`). `undefined` for a
 * target that is not a path (`*`, `host:443`) or whose encoding is malformed.
 */
function routablePath(target: string): string | undefined {
  let end = target.length;
  for (const stop of ['?', '#']) {
    const at = target.indexOf(stop);
    if (at !== -1 && at < end) end = at;
  }
  // The absolute form (`http://host/path`, RFC 9112 §3.2.2) is routed on its path, as the router does.
  const raw = target.slice(0, end).replace(/^[A-Za-z][A-Za-z0-9+.-]*:\/\/[^/]*/, '');
  if (!raw.startsWith('/')) return undefined;
  if (/%(?![0-9A-Fa-f]{2})/.test(raw)) return undefined;
  return raw.replace(/%([0-9A-Fa-f]{2})/g, (escape, hex: string) => {
    const c = String.fromCharCode(parseInt(hex, 16));
    return /[A-Za-z0-9\-._~]/.test(c) ? c : escape;
  });
}
