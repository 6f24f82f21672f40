import type { FastifyRequest } from 'fastify';
import { Client } from '../clients/client.js';

/** An authorization error delivered to the client by redirect (RFC 6749 §4.1.2.1, RFC 9207). */
export class AuthorizationRedirectError extends Error {
  constructor(readonly error: string, readonly description: string) {
    super(`${error}: ${description}`);
  }
}

/**
 * An error that must NOT be redirected (unknown client, unregistered redirect URI): the
 * end-user gets an HTML error page with status 400 (RFC 6749 §4.1.2.1).
 */
export class AuthorizationPageError extends Error {
  constructor(readonly title: string, readonly description: string, readonly status = 400) {
    super(description);
  }
}

/** The authorization request as the checks build it up, attached to the Fastify request. */
export interface AuthorizationContext {
  /** Single-valued query parameters; a repeated one is reported by the checks. */
  params: Record<string, string>;
  repeated: string[];
  client?: Client;
  /** The redirect URI as sent (it matched a registered one). */
  redirectUri?: string;
  state?: string;
  codeChallenge?: string;
  scopes?: string[];
}

export type AuthorizeRequest = FastifyRequest & { authorization?: AuthorizationContext };

/** Reads (once) the authorization context of a request. */
export function authorizationContext(request: AuthorizeRequest): AuthorizationContext {
  if (!request.authorization) {
    const params: Record<string, string> = Object.create(null);
    const repeated: string[] = [];
    const query = (request.query ?? {}) as Record<string, string | string[]>;
    for (const [name, value] of Object.entries(query)) {
      if (Array.isArray(value)) repeated.push(name);
      else params[name] = value;
    }
    request.authorization = { params, repeated };
  }
  return request.authorization;
}
