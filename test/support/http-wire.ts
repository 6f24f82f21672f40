import { connect } from 'node:net';

/** One HTTP/1.1 response as read off the wire. */
export interface WireResponse {
  status: number;
  /** Header names lower-cased, in order; repeated names kept. */
  headers: [string, string][];
  body: Buffer;
}

export interface WireParse {
  /** Final (non-1xx) responses, in order. */
  responses: WireResponse[];
  /** Everything that makes the byte stream not valid HTTP/1.1 framing; empty when well formed. */
  problems: string[];
  /** True when the last response is complete (its framing says where it ends). */
  complete: boolean;
}

export function header(response: WireResponse, name: string): string | undefined {
  return response.headers.find(([n]) => n === name)?.[1];
}

const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;

/**
 * Parses the bytes a server sent on one connection as a sequence of HTTP/1.1 responses,
 * strictly (RFC 9112): status line, header syntax, one framing (Content-Length or chunked, or
 * the close for a body without either), no body after a `HEAD`, a 204 or a 304, and nothing
 * after the last response. `methods[i]` is the method of the request the i-th final response
 * answers (`GET` when unknown, e.g. for leftover bytes the server read as a new request).
 */
export function parseWire(bytes: Buffer, methods: readonly string[], closed: boolean): WireParse {
  const responses: WireResponse[] = [];
  const problems: string[] = [];
  let pos = 0;
  let complete = false;
  while (pos < bytes.length) {
    complete = false;
    const headEnd = bytes.indexOf('\r\n\r\n', pos, 'latin1');
    if (headEnd === -1) {
      problems.push(`${closed ? 'truncated' : 'incomplete'} response head: ${JSON.stringify(bytes.subarray(pos, pos + 80).toString('latin1'))}`);
      break;
    }
    const head = bytes.subarray(pos, headEnd).toString('latin1');
    pos = headEnd + 4;
    const lines = head.split('\r\n');
    const statusLine = /^HTTP\/1\.1 ([1-5]\d\d) [\t -~]*$/.exec(lines[0]);
    if (!statusLine) {
      problems.push(`not a status line: ${JSON.stringify(lines[0].slice(0, 80))}`);
      break;
    }
    const status = Number(statusLine[1]);
    const headers: [string, string][] = [];
    for (const line of lines.slice(1)) {
      const colon = line.indexOf(':');
      const name = line.slice(0, colon);
      const value = line.slice(colon + 1).trim();
      if (colon <= 0 || !TOKEN.test(name) || /[\x00-\x08\x0a-\x1f\x7f]/.test(value)) problems.push(`malformed header line: ${JSON.stringify(line.slice(0, 80))}`);
      else headers.push([name.toLowerCase(), value]);
    }
    if (status < 200) continue; // interim (100 Continue): the final response follows
    const method = methods[responses.length] ?? 'GET';
    const lengths = headers.filter(([n]) => n === 'content-length').map(([, v]) => v);
    const chunked = headers.some(([n, v]) => n === 'transfer-encoding' && /chunked/i.test(v));
    let body: Buffer = Buffer.alloc(0);
    if (lengths.length > 0 && chunked) problems.push('both Content-Length and Transfer-Encoding: chunked');
    if (lengths.some((l) => l !== lengths[0] || !/^\d+$/.test(l))) problems.push(`bad Content-Length: ${lengths.join(', ')}`);
    if (method === 'HEAD' || status === 204 || status === 304) {
      // no body, whatever the headers announce
    } else if (chunked) {
      const parsed = readChunked(bytes, pos);
      if (typeof parsed === 'string') {
        problems.push(parsed);
        break;
      }
      ({ body, end: pos } = parsed);
    } else if (lengths.length > 0) {
      const length = Number(lengths[0]);
      if (pos + length > bytes.length) {
        problems.push(`body shorter than its Content-Length (${bytes.length - pos} < ${length})`);
        break;
      }
      body = bytes.subarray(pos, pos + length);
      pos += length;
    } else {
      if (!closed) {
        problems.push('a body without Content-Length or chunked framing on a connection left open');
        break;
      }
      body = bytes.subarray(pos);
      pos = bytes.length;
    }
    responses.push({ status, headers, body });
    complete = true;
  }
  return { responses, problems, complete: complete && problems.length === 0 };
}

function readChunked(bytes: Buffer, start: number): { body: Buffer; end: number } | string {
  const parts: Buffer[] = [];
  let pos = start;
  for (;;) {
    const lineEnd = bytes.indexOf('\r\n', pos, 'latin1');
    if (lineEnd === -1) return 'truncated chunk size line';
    const size = /^([0-9A-Fa-f]+)(;.*)?$/.exec(bytes.subarray(pos, lineEnd).toString('latin1'));
    if (!size) return 'malformed chunk size line';
    const length = parseInt(size[1], 16);
    pos = lineEnd + 2;
    if (length === 0) {
      const trailersEnd = bytes.indexOf('\r\n', pos, 'latin1');
      if (trailersEnd !== pos) return 'missing or unsupported trailer section';
      return { body: Buffer.concat(parts), end: pos + 2 };
    }
    if (pos + length + 2 > bytes.length) return 'truncated chunk';
    parts.push(bytes.subarray(pos, pos + length));
    if (bytes.subarray(pos + length, pos + length + 2).toString('latin1') !== '\r\n') return 'chunk not followed by CRLF';
    pos += length + 2;
  }
}

export interface WireExchange {
  /** Every byte the server sent. */
  data: Buffer;
  /** The server closed the connection (rather than the exchange timing out). */
  closed: boolean;
  /** A socket error seen while sending or reading (EPIPE, ECONNRESET), if any. */
  error?: string;
  /** Milliseconds from connecting to the end of the exchange. */
  ms: number;
  /** How many of the request's parts were written before the connection ended (all, normally). */
  partsSent: number;
}

export interface WireOptions {
  /** Give up (and destroy the socket) after this long. */
  timeoutMs?: number;
  /** Close our sending side after the request (the server reads it as an aborted request). */
  endAfterWrite?: boolean;
  /** Methods of the requests sent, for {@link parseWire} (default GET). */
  methods?: readonly string[];
  /** Once a complete response has arrived, stop after this much silence (keep-alive connections). */
  quietMs?: number;
  /** Send the parts this far apart (a slow client), until the server closes. */
  partIntervalMs?: number;
}

/**
 * Sends bytes exactly as given on a fresh loopback connection and collects everything the
 * server sends back, until it closes the connection, a complete response is followed by
 * `quietMs` of silence, or `timeoutMs` passes.
 */
export function exchange(port: number, request: Buffer | string | (Buffer | string)[], options: WireOptions = {}): Promise<WireExchange> {
  const { timeoutMs = 10_000, quietMs = 100, methods = ['GET'] } = options;
  const parts = Array.isArray(request) ? request : [request];
  return new Promise((resolve) => {
    const started = Date.now();
    const chunks: Buffer[] = [];
    let error: string | undefined;
    let quiet: NodeJS.Timeout | undefined;
    let done = false;
    let partsSent = 0;
    const socket = connect(port, '127.0.0.1');
    const finish = (closed: boolean) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      clearTimeout(quiet);
      socket.destroy();
      resolve({ data: Buffer.concat(chunks), closed, error, ms: Date.now() - started, partsSent });
    };
    const timer = setTimeout(() => finish(false), timeoutMs);
    socket.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      clearTimeout(quiet);
      if (parseWire(Buffer.concat(chunks), methods, false).complete) quiet = setTimeout(() => finish(false), quietMs);
    });
    socket.on('error', (e: NodeJS.ErrnoException) => { error ??= e.code ?? e.message; });
    socket.on('close', () => finish(true));
    socket.on('connect', async () => {
      for (const [i, part] of parts.entries()) {
        if (i > 0 && options.partIntervalMs) await new Promise((r) => setTimeout(r, options.partIntervalMs));
        if (done || socket.destroyed || !socket.writable) return;
        socket.write(part);
        partsSent++;
      }
      if (options.endAfterWrite) socket.end();
    });
  });
}
