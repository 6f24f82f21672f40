import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Logger as PinoLogger } from 'pino';
import { FormBody } from '../common/form-body.js';
import type { OutcomeRequest } from './request-outcome.js';

/**
 * One JSON line per request: request id, method, path (never the query string), status,
 * duration, and for OAuth endpoints the client id, grant type and outcome (the OAuth error code).
 * No header, body value or token is ever logged. The outcome comes from
 * {@link registerOAuthOutcome}, registered by `createApp`.
 */
export function registerRequestLog(fastify: FastifyInstance, log: PinoLogger): void {
  if (!log.isLevelEnabled('info')) return; // LOG_LEVEL=warn: no per-request work at all
  fastify.addHook('onResponse', async (request: FastifyRequest, reply: FastifyReply) => {
    const body = request.body instanceof FormBody ? request.body : undefined;
    const outcome = request as OutcomeRequest;
    const client = outcome.authenticatedClient?.client.id ?? outcome.clientId;
    const path = request.url.split('?')[0];
    log.info({
      reqId: request.id,
      method: request.method,
      path: path.length > 200 ? path.slice(0, 200) : path,
      status: reply.statusCode,
      ms: Math.round(reply.elapsedTime * 10) / 10,
      clientId: client,
      grantType: safe(body?.get('grant_type')),
      outcome: outcome.outcome ?? outcome.oauthError ?? (reply.statusCode < 400 ? 'ok' : 'error'),
    }, 'request');
  });
}

function safe(value: string | undefined): string | undefined {
  return value === undefined ? undefined : value.replace(/[^\x21-\x7E]/g, '?').slice(0, 80);
}
