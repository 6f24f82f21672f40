import type { FastifyServerOptions } from 'fastify';
import { FormBody } from './form-body.js';

/**
 * How long and how much one connection can make the server hold. Every value is finite: a
 * client that sends nothing, sends its head or body a byte at a time, or idles between requests
 * is disconnected in bounded time (docs/http-behaviour.md states and measures them).
 */
export interface HttpLimits {
  /** The request line and headers must arrive within this time (also bounds a connection that sends nothing). */
  headersTimeoutMs: number;
  /** The whole request, headers and body, must arrive within this time, or the answer is 408. */
  requestTimeoutMs: number;
  /** A connection on which nothing moves in either direction (a request in progress included) is closed after this. */
  socketIdleTimeoutMs: number;
  /**
   * Idle time allowed between two requests on a kept-alive connection. Longer than the 60 s
   * idle timeout of the usual proxies and load balancers in front, so that they, not the
   * server, close pooled connections (a POST sent on a connection the server is closing fails).
   */
  keepAliveTimeoutMs: number;
  /** How often Node checks the two timeouts above (its default, 30 s, would add up to 30 s to each). */
  timeoutCheckIntervalMs: number;
  /** Request line plus headers, in bytes; beyond it the answer is 431. */
  maxHeaderBytes: number;
  /** Headers beyond this count are dropped by Node's parser (the byte limit bounds memory already). */
  maxHeaderCount: number;
  /** Request body, in bytes; beyond it the answer is 413. */
  maxBodyBytes: number;
  /**
   * An answer ready before its request's body has fully arrived (413, or a route that reads no
   * body) waits up to this long while the rest is read and discarded, so that the client, still
   * sending, is not cut off (EPIPE/ECONNRESET) before it can read the answer.
   */
  bodyDrainMs: number;
}

export const HTTP_LIMITS: Readonly<HttpLimits> = Object.freeze({
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 30_000,
  socketIdleTimeoutMs: 30_000,
  keepAliveTimeoutMs: 72_000,
  timeoutCheckIntervalMs: 1_000,
  maxHeaderBytes: 16 * 1024,
  maxHeaderCount: 100,
  maxBodyBytes: FormBody.MAX_BYTES,
  bodyDrainMs: 5_000,
});

/** The Fastify (and Node `http.Server`) options that enforce {@link HttpLimits}. */
export function serverLimitOptions(limits: HttpLimits): Partial<FastifyServerOptions> {
  return {
    bodyLimit: limits.maxBodyBytes,
    requestTimeout: limits.requestTimeoutMs,
    connectionTimeout: limits.socketIdleTimeoutMs,
    keepAliveTimeout: limits.keepAliveTimeoutMs,
    http: {
      headersTimeout: Math.min(limits.headersTimeoutMs, limits.requestTimeoutMs),
      requestTimeout: limits.requestTimeoutMs,
      connectionsCheckingInterval: limits.timeoutCheckIntervalMs,
      maxHeaderSize: limits.maxHeaderBytes,
      // A request without Host is answered 400 by an onRequest hook (http-setup.ts), in the
      // endpoint's error format, rather than by Node with an empty body.
      requireHostHeader: false,
    },
  } as Partial<FastifyServerOptions>;
}
