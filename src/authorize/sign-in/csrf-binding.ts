import type { FastifyRequest } from 'fastify';
import { constantTimeEquals, tokenHash } from '../../common/secure-tokens.js';

/**
 * The CSRF binding of the sign-in form (login CSRF, RFC 6749 §10.12). A random token goes in a
 * hidden field and in an `HttpOnly`, `SameSite=Lax` cookie named after the pending sign-in; the
 * sealed pending sign-in carries only its SHA-256. A POST is accepted only when the field, the
 * cookie of this browser and the hash sealed with this sign-in all agree: a form posted from
 * another browser (no cookie) or for another sign-in (other hash) is refused.
 */
export const CSRF_COOKIE_PREFIX = 'sympauthy_signin_';

/**
 * Where the browser sends the CSRF cookie: the authorization endpoint and the sign-in form,
 * `/api/oauth2` under the issuer's path (`basePath`, see `ServerSettings`).
 */
export function csrfCookiePath(basePath: string): string {
  return `${basePath}/api/oauth2`;
}

export function csrfCookie(signInId: string, token: string, maxAgeSeconds: number, basePath: string, secure: boolean): string {
  return `${CSRF_COOKIE_PREFIX}${signInId}=${token}; Path=${csrfCookiePath(basePath)}; Max-Age=${maxAgeSeconds}; HttpOnly; SameSite=Lax${secure ? '; Secure' : ''}`;
}

export function clearCsrfCookie(signInId: string, basePath: string, secure: boolean): string {
  return `${CSRF_COOKIE_PREFIX}${signInId}=; Path=${csrfCookiePath(basePath)}; Max-Age=0; HttpOnly; SameSite=Lax${secure ? '; Secure' : ''}`;
}

export function readCookie(request: FastifyRequest, name: string): string | undefined {
  const header = request.headers.cookie;
  if (!header) return undefined;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq !== -1 && part.slice(0, eq).trim() === name) return part.slice(eq + 1).trim();
  }
  return undefined;
}

/** Field, cookie and sealed hash must all match; compared in constant time. */
export function csrfMatches(field: string | undefined, cookie: string | undefined, sealedHash: string): boolean {
  if (!field || !cookie) return false;
  return constantTimeEquals(field, cookie) && constantTimeEquals(tokenHash(field), sealedHash);
}
