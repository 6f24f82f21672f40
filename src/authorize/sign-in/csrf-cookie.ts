import { createHash } from 'node:crypto';
import { constantTimeEquals } from '../../common/secure-tokens.js';
import type { FastifyRequest } from 'fastify';

/**
 * The CSRF binding of the sign-in form. A random token goes in a hidden field and in a cookie
 * named after the pending request; the store keeps only its SHA-256. A POST is accepted only
 * when the field, the cookie of this browser and the hash stored with this pending request all
 * agree: a form posted from another browser (no cookie) or for another request (other hash) is
 * refused.
 */
export const CSRF_COOKIE_PREFIX = 'sympauthy_signin_';
export const CSRF_COOKIE_PATH = '/api/oauth2';

export function csrfHash(token: string): string {
  return createHash('sha256').update(token).digest('base64url');
}

export function csrfCookie(requestId: string, token: string, maxAgeSeconds: number, secure: boolean): string {
  return `${CSRF_COOKIE_PREFIX}${requestId}=${token}; Path=${CSRF_COOKIE_PATH}; Max-Age=${maxAgeSeconds}; HttpOnly; SameSite=Lax${secure ? '; Secure' : ''}`;
}

export function clearCsrfCookie(requestId: string, secure: boolean): string {
  return `${CSRF_COOKIE_PREFIX}${requestId}=; Path=${CSRF_COOKIE_PATH}; Max-Age=0; HttpOnly; SameSite=Lax${secure ? '; Secure' : ''}`;
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

/** Field, cookie and stored hash must all match; compared in constant time. */
export function csrfMatches(field: string | undefined, cookie: string | undefined, storedHash: string): boolean {
  if (!field || !cookie) return false;
  return constantTimeEquals(field, cookie) && constantTimeEquals(csrfHash(field), storedHash);
}
