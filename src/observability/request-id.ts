import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

/** 1–64 characters a proxy's request id uses (UUIDs, hex, ULIDs, `host:seq`), nothing that needs escaping. */
const SAFE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;

/**
 * The id of a request in the log: the `X-Request-Id` a proxy in front set, when it is short
 * and made of safe characters, otherwise a fresh UUID. A client-chosen value of any size or
 * content never reaches a log line.
 */
export function requestIdOf(request: IncomingMessage): string {
  const given = request.headers['x-request-id'];
  return typeof given === 'string' && SAFE_REQUEST_ID.test(given) ? given : randomUUID();
}
