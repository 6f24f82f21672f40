import type { IncomingMessage, Server, ServerResponse } from 'node:http';
import type { Duplex } from 'node:stream';
import { rawErrorResponse, renderErrorAnswer } from './error-answer.js';
import type { HttpLimits } from './http-limits.js';
import { OAuthError } from './oauth-error.js';
import { RouteCatalogue, methodNotAllowed } from './route-catalogue.js';

/** The request a connection is serving, as far as the routes have seen it. */
interface InFlight {
  method: string;
  url: string;
  response: ServerResponse;
}

/**
 * Which request each connection is serving, from routing until the answer is sent. When the
 * HTTP server gives up on a connection (timeout, malformed body framing), this says how to
 * answer — which route's error format, and whether a body may follow (not for `HEAD`) — and
 * whether an answer has already started, in which case nothing more may be written.
 */
export class InFlightRequests {
  private readonly bySocket = new WeakMap<object, InFlight>();

  start(request: IncomingMessage, response: ServerResponse): void {
    this.bySocket.set(request.socket, { method: request.method ?? '', url: request.url ?? '', response });
  }

  finish(request: IncomingMessage, response: ServerResponse): void {
    if (this.bySocket.get(request.socket)?.response === response) this.bySocket.delete(request.socket);
  }

  on(socket: object): InFlight | undefined {
    return this.bySocket.get(socket);
  }
}

/** What Node passes to `clientError`; `rawPacket` is the chunk being parsed (a Buffer at run time). */
type ClientError = Error & { code?: string; rawPacket?: unknown };

/**
 * Answers what Node's HTTP parser rejects before any route runs — malformed HTTP (400),
 * request line and headers over the limit (431), a request not received in time (408) — with
 * the error body of the route the request was for, `Connection: close`, and no body for a
 * `HEAD` (or a request whose method cannot be read). After the answer the rest of what the
 * client sends is read and discarded for a bounded time before the socket is destroyed, so that
 * a client still sending sees the answer rather than a reset.
 */
export function clientErrorAnswerer(routes: RouteCatalogue, inFlight: InFlightRequests, limits: HttpLimits) {
  const answered = new WeakSet<object>();
  return function answerClientError(error: ClientError, socket: Duplex): void {
    if (answered.has(socket)) return; // the parser reports each later chunk again: already answered
    if (error.code === 'ECONNRESET' || socket.destroyed) return;
    answered.add(socket);
    const current = inFlight.on(socket);
    if (!socket.writable || current?.response.headersSent) {
      socket.destroy();
      return;
    }
    const request = current ?? requestLineOf(error.rawPacket);
    const answer = renderErrorAnswer(request ? routes.formatOf(request.url) : 'json', clientErrorToOAuth(error, limits));
    socket.end(rawErrorResponse(answer, request !== undefined && request.method !== 'HEAD'));
    // A client too slow to send its request gains nothing from lingering: close once the answer is out.
    lingerThenDestroy(socket, limits.bodyDrainMs, error.code === 'ERR_HTTP_REQUEST_TIMEOUT');
  };
}

/**
 * Answers the requests Node routes around the app: `CONNECT` (405 where the path exists, as
 * for any unsupported method; 400 for an authority target) and an `Expect` other than
 * `100-continue` (417), each in its route's error format.
 */
export function answerRequestsNodeHandles(server: Server, routes: RouteCatalogue, limits: HttpLimits): void {
  server.on('connect', (request: IncomingMessage, socket: Duplex) => {
    const url = request.url ?? '';
    const route = url.startsWith('/') ? routes.find(url) : undefined;
    const error = route ? methodNotAllowed(route)
      : url.startsWith('/') ? new OAuthError('not_found', 'no such endpoint', 404)
        : OAuthError.invalidRequest('CONNECT is not supported: this is not a proxy');
    socket.on('error', () => socket.destroy());
    socket.end(rawErrorResponse(renderErrorAnswer(routes.formatOf(url), error), true));
    lingerThenDestroy(socket, limits.bodyDrainMs);
  });
  server.on('checkExpectation', (request: IncomingMessage, response: ServerResponse) => {
    const answer = renderErrorAnswer(routes.formatOf(request.url ?? ''),
      new OAuthError('invalid_request', 'the only Expect value supported is 100-continue', 417));
    response.writeHead(answer.status, { ...answer.headers, 'content-length': Buffer.byteLength(answer.body) }).end(answer.body);
  });
}

function clientErrorToOAuth(error: ClientError, limits: HttpLimits): OAuthError {
  switch (error.code) {
    case 'HPE_HEADER_OVERFLOW':
      return OAuthError.invalidRequest(`the request line and headers are larger than ${limits.maxHeaderBytes / 1024} KiB`, 431);
    case 'HPE_CHUNK_EXTENSIONS_OVERFLOW':
      return OAuthError.invalidRequest('the chunk extensions of the request body are too large', 413);
    case 'ERR_HTTP_REQUEST_TIMEOUT':
      return OAuthError.invalidRequest(`the request was not received within ${limits.requestTimeoutMs / 1000} s`, 408);
    default:
      return OAuthError.invalidRequest('the request is not valid HTTP/1.1');
  }
}

/**
 * The method and target of the request a rejected chunk starts with. `undefined` when the
 * chunk does not start a request (it continues one whose head began in an earlier chunk): the
 * method is then unknown and the answer carries no body.
 */
export function requestLineOf(packet: unknown): { method: string; url: string } | undefined {
  if (!Buffer.isBuffer(packet)) return undefined;
  const match = /^([A-Z]{3,20}) ((?:\/|\*)[^ \r\n]*)/.exec(packet.subarray(0, 8192).toString('latin1'));
  return match ? { method: match[1], url: match[2] } : undefined;
}

/**
 * After the answer (and the FIN) are out, keeps reading so that unread bytes do not turn the
 * close into a reset that would destroy the answer in the client's buffers; destroys the socket
 * when the client closes, when the answer is out if `closeWhenSent`, and after `ms` at most.
 */
function lingerThenDestroy(socket: Duplex, ms: number, closeWhenSent = false): void {
  const timer = setTimeout(() => socket.destroy(), ms);
  timer.unref();
  socket.once('close', () => clearTimeout(timer));
  socket.once('end', () => socket.destroy());
  if (closeWhenSent) {
    if (socket.writableFinished) socket.destroy();
    else socket.once('finish', () => socket.destroy());
  }
  socket.resume();
}
