// Risk: slow clients hold the server (Slowloris, CWE-400): a request head or body sent a byte at
// a time, or a connection that sends nothing, must not hold a socket and its file descriptor
// forever — with a low descriptor limit, a few hundred such connections stopped /health/live
// from answering anyone (issue 8). Every phase of a connection has a timeout (RFC 9112 §9.5
// lets a server close an idle connection at any time); the timed-out request is answered 408.
// The timeouts are shortened here so that the tests take seconds; the production values are
// checked separately and measured by bench/slow-clients.mjs.
import type { Server } from 'node:http';
import { HTTP_LIMITS, HttpLimits } from '../../src/common/http-limits.js';
import { exchange, header, parseWire } from '../support/http-wire.js';
import { ListeningTestApp, TestApp, baseConfig, startListeningTestApp, startTestApp } from '../support/test-app.js';

const SHORT: Partial<HttpLimits> = {
  headersTimeoutMs: 500,
  requestTimeoutMs: 1000,
  keepAliveTimeoutMs: 500,
  socketIdleTimeoutMs: 5000,
  timeoutCheckIntervalMs: 100,
  bodyDrainMs: 500,
};
/** Scheduling slack on a shared, loaded 2-core machine; the bounds stay far below "forever". */
const SLACK_MS = 3000;

describe('slow clients', () => {
  let t: ListeningTestApp;
  let port: number;
  beforeAll(async () => {
    t = await startListeningTestApp((root) => baseConfig({ urls: { root } }), { httpLimits: SHORT });
    port = Number(new URL(t.root).port);
  });
  afterAll(async () => t.close());

  const slowBody = (path: string, contentType: string) => [
    `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: ${contentType}\r\nContent-Length: 100\r\n\r\n`,
    ...Array.from({ length: 60 }, () => 'a'),
  ];

  it('answers a body sent a byte at a time 408 and closes the connection once the request timeout passes', async () => {
    const res = await exchange(port, slowBody('/api/oauth2/token', 'application/x-www-form-urlencoded'), { partIntervalMs: 100, methods: ['POST'], quietMs: 60_000 });
    expect(res.closed).toBe(true);
    expect(res.ms).toBeGreaterThanOrEqual(SHORT.requestTimeoutMs! - 100);
    expect(res.ms).toBeLessThan(SHORT.requestTimeoutMs! + SLACK_MS);
    const wire = parseWire(res.data, ['POST'], true);
    expect(wire.problems).toEqual([]);
    expect(wire.responses).toHaveLength(1);
    expect(wire.responses[0].status).toBe(408);
    expect(header(wire.responses[0], 'connection')).toBe('close');
    expect(JSON.parse(wire.responses[0].body.toString())).toEqual({ error: 'invalid_request', error_description: expect.stringMatching(/not received within 1 s/) });
  });

  it('answers a slow sign-in form with an HTML 408 page', async () => {
    const res = await exchange(port, slowBody('/api/oauth2/sign-in', 'application/x-www-form-urlencoded'), { partIntervalMs: 100, methods: ['POST'], quietMs: 60_000 });
    const wire = parseWire(res.data, ['POST'], true);
    expect(wire.problems).toEqual([]);
    expect(wire.responses[0].status).toBe(408);
    expect(header(wire.responses[0], 'content-type')).toMatch(/^text\/html/);
    expect(wire.responses[0].body.toString()).toMatch(/<title>Request timeout<\/title>/);
  });

  it('closes a connection whose request head arrives a line at a time once the headers timeout passes', async () => {
    const lines = ['GET /health/live HTTP/1.1\r\n', ...Array.from({ length: 40 }, (_, i) => `X-Slow-${i}: y\r\n`)];
    const res = await exchange(port, lines, { partIntervalMs: 100, quietMs: 60_000 });
    expect(res.closed).toBe(true);
    expect(res.ms).toBeGreaterThanOrEqual(SHORT.headersTimeoutMs! - 100);
    expect(res.ms).toBeLessThan(SHORT.headersTimeoutMs! + SLACK_MS);
    const wire = parseWire(res.data, ['GET'], true);
    expect(wire.problems).toEqual([]);
    expect(wire.responses.map((r) => r.status)).toEqual([408]);
  });

  it('closes a connection that sends nothing once the headers timeout passes', async () => {
    const res = await exchange(port, [], { quietMs: 60_000 });
    expect(res.closed).toBe(true);
    expect(res.ms).toBeLessThan(SHORT.headersTimeoutMs! + SLACK_MS);
    expect(parseWire(res.data, ['GET'], true).problems).toEqual([]);
  });

  it('closes a kept-alive connection left idle after its answer once the keep-alive timeout passes', async () => {
    const res = await exchange(port, 'GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n', { quietMs: 60_000 });
    expect(res.closed).toBe(true);
    // Node adds a one-second buffer to keepAliveTimeout before it closes the socket.
    expect(res.ms).toBeLessThan(SHORT.keepAliveTimeoutMs! + 1000 + SLACK_MS);
    const wire = parseWire(res.data, ['GET'], true);
    expect(wire.problems).toEqual([]);
    expect(wire.responses.map((r) => r.status)).toEqual([200]);
  });

  it('answers 408 at the request timeout a malformed body Node does not report (a request with Connection: upgrade)', async () => {
    // Node 20's parser ignores body errors once a request asks for an upgrade; the request
    // timeout is then what ends it, with a well-formed answer.
    const res = await exchange(port, 'POST /api/oauth2/token HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: upgrade\r\nUpgrade: websocket\r\n' +
      'Content-Type: application/x-www-form-urlencoded\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n', { methods: ['POST'], quietMs: 60_000 });
    expect(res.closed).toBe(true);
    expect(res.ms).toBeLessThan(SHORT.requestTimeoutMs! + SLACK_MS);
    const wire = parseWire(res.data, ['POST'], true);
    expect(wire.problems).toEqual([]);
    expect(wire.responses.map((r) => [r.status, JSON.parse(r.body.toString()).error])).toEqual([[408, 'invalid_request']]);
  });

  it('keeps answering /health/live while many slow bodies are held, and closes them all in time', async () => {
    const slow = Array.from({ length: 40 }, () => exchange(port, slowBody('/api/oauth2/token', 'application/x-www-form-urlencoded'), { partIntervalMs: 200, methods: ['POST'], quietMs: 60_000 }));
    await new Promise((r) => setTimeout(r, 300));
    const live = await fetch(`${t.root}/health/live`, { signal: AbortSignal.timeout(2000) });
    expect(live.status).toBe(200);
    const held = await Promise.all(slow);
    const slowest = Math.max(...held.map((r) => r.ms));
    expect({ allClosedByServer: held.every((r) => r.closed), slowestInTime: slowest < SHORT.requestTimeoutMs! + SLACK_MS, slowest })
      .toEqual({ allClosedByServer: true, slowestInTime: true, slowest });
    expect(held.map((r) => parseWire(r.data, ['POST'], true).responses[0]?.status)).toEqual(held.map(() => 408));
  });
});

describe('production connection limits', () => {
  let t: TestApp;
  beforeAll(async () => { t = await startTestApp(baseConfig()); });
  afterAll(async () => t.close());

  it('are all finite and set on the HTTP server as documented', () => {
    const server = t.server as Server & { maxHeaderSize?: number };
    expect({
      headersTimeout: server.headersTimeout,
      requestTimeout: server.requestTimeout,
      socketIdle: server.timeout,
      keepAliveTimeout: server.keepAliveTimeout,
      maxHeadersCount: server.maxHeadersCount,
      maxHeaderSize: server.maxHeaderSize,
    }).toEqual({
      headersTimeout: 10_000,
      requestTimeout: 30_000,
      socketIdle: 30_000,
      keepAliveTimeout: 72_000,
      maxHeadersCount: 100,
      maxHeaderSize: 16 * 1024,
    });
    expect(HTTP_LIMITS.bodyDrainMs).toBeLessThan(HTTP_LIMITS.requestTimeoutMs);
  });
});
