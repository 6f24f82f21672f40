import type { FastifyRequest } from 'fastify';
import { readCookie } from '../authorize/sign-in/csrf-binding.js';

/** The session cookie (SPEC §6): `HttpOnly`, `SameSite=Lax`, `Secure` with an https issuer. */
export const SESSION_COOKIE = 'sympauthy_session';

/** A session cookie value: 256 random bits, base64url (anything else is no session). */
const COOKIE_VALUE = /^[A-Za-z0-9_-]{43}$/;

/**
 * Where the browser sends the cookie: the server's API paths under the issuer (the authorization
 * endpoint and sign-in form under `/api/oauth2`, logout under `/api/openid`), nothing else of
 * the site the issuer shares.
 */
export function sessionCookiePath(issuer: string): string {
  return `${new URL(issuer).pathname.replace(/\/$/, '')}/api`;
}

export function sessionCookie(value: string, maxAgeSeconds: number, path: string, secure: boolean): string {
  return `${SESSION_COOKIE}=${value}; Path=${path}; Max-Age=${Math.max(1, Math.floor(maxAgeSeconds))}; HttpOnly; SameSite=Lax${secure ? '; Secure' : ''}`;
}

export function clearSessionCookie(path: string, secure: boolean): string {
  return `${SESSION_COOKIE}=; Path=${path}; Max-Age=0; HttpOnly; SameSite=Lax${secure ? '; Secure' : ''}`;
}

/** The session cookie of the request, when it has a well-formed one. */
export function readSessionCookie(request: FastifyRequest): string | undefined {
  const value = readCookie(request, SESSION_COOKIE);
  return value !== undefined && COOKIE_VALUE.test(value) ? value : undefined;
}
