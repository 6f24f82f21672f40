import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';

/** What the request log and the metrics read off a request once it is answered. */
export interface RequestOutcome {
  /** The OAuth error code of an error answer (`invalid_grant`, …), read off the JSON body. */
  oauthError?: string;
  /** The token request's `grant_type`, set once a registered handler serves it (bounded set). */
  grantType?: string;
  /** The client that authenticated at the token, introspection or revocation endpoint. */
  authenticatedClient?: { client: { id: string } };
  /** The client an authorization or sign-in request is for (a registered one). */
  clientId?: string;
  /**
   * The outcome of a page request, named as in the metrics: a sign-in's `success`,
   * `wrong_credentials`, `throttled`, or an authorization error code.
   */
  outcome?: string;
}

export type OutcomeRequest = FastifyRequest & RequestOutcome;

/**
 * Records the OAuth error code of each error answer on its request. The code is read off the
 * serialized body (every JSON error of the server starts with `{"error":"`), so errors answered
 * by Fastify itself (body too large, bad content type) are seen like the ones of Nest's filter.
 */
export function registerOAuthOutcome(fastify: FastifyInstance): void {
  fastify.addHook('onSend', (request: FastifyRequest, reply: FastifyReply, payload: unknown, done: (error: null, payload: unknown) => void) => {
    if (reply.statusCode >= 400 && typeof payload === 'string' && payload.startsWith('{"error":"')) {
      const end = payload.indexOf('"', 10);
      if (end > 10) (request as OutcomeRequest).oauthError = payload.slice(10, Math.min(end, 10 + 64));
    }
    done(null, payload);
  });
}
