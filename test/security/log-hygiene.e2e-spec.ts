// Risk: clients write what they like into the log (CWE-117, CWE-779). Issue 8: any
// `X-Request-Id` was logged verbatim (12 KB accepted), so a client chose the size and content of
// log lines and could impersonate another request's id; a client aborting its request was logged
// at error level with a stack trace, one per socket, so anyone could flood the error log and
// bury real failures. A request id is kept only when short and safe, and an abort is a debug
// line without a stack.
import { exchange } from '../support/http-wire.js';
import { ListeningTestApp, baseConfig, startListeningTestApp } from '../support/test-app.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

describe('log hygiene', () => {
  let t: ListeningTestApp;
  let port: number;
  beforeAll(async () => {
    t = await startListeningTestApp((root) => baseConfig({ urls: { root } }), { logLevel: 'debug' });
    port = Number(new URL(t.root).port);
  });
  afterAll(async () => t.close());

  const entries = () => t.logs.map((line) => JSON.parse(line) as Record<string, unknown>);
  const requestLines = () => entries().filter((e) => e.msg === 'request');

  async function liveWithRequestId(id: string): Promise<void> {
    const res = await exchange(port, `GET /health/live HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Request-Id: ${id}\r\nConnection: close\r\n\r\n`);
    expect(res.data.toString()).toMatch(/^HTTP\/1\.1 200 /);
  }

  it('logs a short, safe X-Request-Id as the request id', async () => {
    await liveWithRequestId('lb-1:3f2c9a1e-8b7d-4c6e');
    expect(requestLines().at(-1)?.reqId).toBe('lb-1:3f2c9a1e-8b7d-4c6e');
  });

  it('replaces a 12 KB or unsafe X-Request-Id with a generated one', async () => {
    for (const id of ['r'.repeat(12 * 1024), '","level":"fatal', 'a b', 'x'.repeat(65)]) {
      const before = t.logs.length;
      await liveWithRequestId(id);
      const written = t.logs.slice(before).join('\n');
      expect(written).not.toContain(id);
      expect(requestLines().at(-1)?.reqId).toMatch(UUID);
      expect(written.length).toBeLessThan(1024);
    }
  });

  it('logs a client that aborts its request at debug level, without a stack, and nothing at error level', async () => {
    const before = t.logs.length;
    for (let i = 0; i < 5; i++) {
      await exchange(port, 'POST /api/oauth2/token HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\ngrant_type=', { endAfterWrite: true, timeoutMs: 3000 });
      // An abort by closing the socket outright (no FIN first) is the other way clients leave.
      await exchange(port, 'POST /api/oauth2/token HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: 1000\r\n\r\ngrant_type=', { timeoutMs: 50 });
    }
    await new Promise((r) => setTimeout(r, 200));
    const written = t.logs.slice(before).map((line) => JSON.parse(line) as Record<string, unknown>);
    expect(written.filter((e) => e.level === 'error' || e.level === 'fatal')).toEqual([]);
    expect(written.some((e) => e.level === 'debug' && /connection closed before the request was complete/.test(String(e.msg)))).toBe(true);
    expect(t.logs.slice(before).join('\n')).not.toMatch(/\\n\s+at /);
  });
});
