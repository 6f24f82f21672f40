import type { FastifyRequest } from 'fastify';
import { Client } from '../clients/client.js';

/** The query of an authorization request as sent: single-valued parameters, and the repeated ones. */
export interface AuthorizationParameters {
  readonly params: Readonly<Record<string, string>>;
  /** Names of parameters sent more than once (each is an error, reported by the checks). */
  readonly repeated: readonly string[];
  /** Length of the raw query string, in characters. */
  readonly queryLength: number;
  /**
   * The parameters came through a pushed authorization request (RFC 9126): pushed to the PAR
   * endpoint now, or taken from the store by their `request_uri`.
   */
  readonly pushed?: boolean;
}

/** An authorization request that passed every check: what a code, a pushed request or a session will be issued for. */
export interface AuthorizationRequest {
  readonly client: Client;
  /** The redirect URI as sent (it matched a registered one). */
  readonly redirectUri: string;
  readonly state: string;
  readonly codeChallenge: string;
  readonly scopes: readonly string[];
  readonly nonce?: string;
  /** `prompt` values (OIDC Core §3.1.2.1), empty when absent. */
  readonly prompt: readonly string[];
  /** `max_age` in seconds, when sent. */
  readonly maxAge?: number;
  /** `id_token_hint`, unverified: whoever uses it verifies it. */
  readonly idTokenHint?: string;
  /** RFC 9449 §10: the code may only be redeemed with a DPoP proof by this key (its thumbprint). */
  readonly dpopJkt?: string;
}

/** Where an error of a trusted request is sent back to (RFC 6749 §4.1.2.1, RFC 9207). */
export interface ErrorRedirect {
  readonly redirectUri: string;
  /** Echoed when it was acceptable. */
  readonly state?: string;
}

/**
 * An authorization error delivered to the client by redirect (RFC 6749 §4.1.2.1, RFC 9207), once
 * the client and its redirect URI are trusted; the pipeline attaches where to redirect. Where no
 * redirect is possible (a pushed request), it is a JSON error.
 */
export class AuthorizationRedirectError extends Error {
  constructor(readonly error: string, readonly description: string, readonly redirect?: ErrorRedirect) {
    super(`${error}: ${description}`);
  }

  to(redirect: ErrorRedirect): AuthorizationRedirectError {
    return new AuthorizationRedirectError(this.error, this.description, redirect);
  }
}

/**
 * An error that must NOT be redirected (unknown client, unregistered redirect URI, a sign-in form
 * that cannot be read): the end-user gets an HTML error page (RFC 6749 §4.1.2.1). `error` is the
 * OAuth error code for the JSON entries (pushed requests).
 */
export class AuthorizationPageError extends Error {
  constructor(readonly title: string, readonly description: string, readonly status = 400, readonly error = 'invalid_request') {
    super(description);
  }
}

/** Reads the query of an authorization request, keeping repeated parameters apart. */
export function readAuthorizationParameters(request: FastifyRequest): AuthorizationParameters {
  const params: Record<string, string> = Object.create(null);
  const repeated: string[] = [];
  const query = (request.query ?? {}) as Record<string, string | string[]>;
  for (const [name, value] of Object.entries(query)) {
    if (Array.isArray(value)) repeated.push(name);
    else params[name] = value;
  }
  const mark = request.url.indexOf('?');
  return { params, repeated, queryLength: mark === -1 ? 0 : request.url.length - mark - 1 };
}
