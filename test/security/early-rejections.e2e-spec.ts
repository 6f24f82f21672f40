// Risk: requests rejected before any route runs get answers that are not well formed (issue 8):
// Fastify's and Node's own bodies (`{"error":"Request Header Fields Too Large","message":…}`),
// no body at all, or — for a `HEAD` — a body the client does not expect, which its HTTP parser
// then reads as the next response. RFC 9112 §6.3 (no content after a HEAD), RFC 9110 §15.5.20
// (431), RFC 9112 §3.2 (Host), RFC 6749 §5.2 (the error body of an OAuth endpoint).
import { request as httpRequest } from 'node:http';
import { exchange, header, parseWire, WireResponse } from '../support/http-wire.js';
import { expectOAuthError } from '../support/oauth-error-expectations.js';
import { ListeningTestApp, baseConfig, startListeningTestApp } from '../support/test-app.js';

const HUGE = 'x'.repeat(20 * 1024);
const FRAMEWORK = /statusCode|FST_|Client Error|Exceeded maximum|Bad Request"|Cannot [A-Z]+ \//;

describe('requests rejected before routing', () => {
  let t: ListeningTestApp;
  let port: number;
  beforeAll(async () => {
    t = await startListeningTestApp((root) => baseConfig({ urls: { root } }));
    port = Number(new URL(t.root).port);
  });
  afterAll(async () => t.close());

  async function wire(raw: string, method: string): Promise<WireResponse> {
    const res = await exchange(port, raw, { methods: [method] });
    const parsed = parseWire(res.data, [method], res.closed);
    expect({ raw: raw.slice(0, 60), problems: parsed.problems, count: parsed.responses.length }).toEqual({ raw: raw.slice(0, 60), problems: [], count: 1 });
    expect(res.data.toString('latin1')).not.toMatch(FRAMEWORK);
    return parsed.responses[0];
  }

  function expectRfcError(res: WireResponse, status: number): void {
    const text = res.body.toString();
    expectOAuthError({ status: res.status, headers: Object.fromEntries(res.headers), body: JSON.parse(text), text }, status, 'invalid_request');
  }

  /** What Node's own HTTP client makes of the answer (a fresh connection each time). */
  function nodeClient(method: string, path: string, headers: Record<string, string>): Promise<{ status: number; body: string }> {
    return new Promise((resolve, reject) => {
      const req = httpRequest({ host: '127.0.0.1', port, method, path, headers, agent: false }, (res) => {
        let body = '';
        res.on('data', (c) => { body += c; });
        res.on('end', () => resolve({ status: res.statusCode!, body }));
        res.on('error', reject);
      });
      req.on('error', reject);
      req.end();
    });
  }

  it('answers headers over 16 KiB with 431 and an RFC error body on every OAuth endpoint', async () => {
    for (const path of ['/api/oauth2/token', '/api/oauth2/introspect', '/api/oauth2/revoke', '/api/openid/userinfo']) {
      const res = await wire(`POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Padding: ${HUGE}\r\nContent-Length: 0\r\n\r\n`, 'POST');
      expectRfcError(res, 431);
      expect(header(res, 'connection')).toBe('close');
    }
  });

  it('answers a HEAD rejected for its header or URL size without a body, which Node\'s client reads cleanly', async () => {
    const bigHeader = await wire(`HEAD /api/oauth2/token HTTP/1.1\r\nHost: 127.0.0.1\r\nX-Padding: ${HUGE}\r\n\r\n`, 'HEAD');
    const bigUrl = await wire(`HEAD /health/live?${HUGE} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`, 'HEAD');
    for (const res of [bigHeader, bigUrl]) {
      expect(res.status).toBe(431);
      expect(res.body.length).toBe(0);
      expect(header(res, 'content-length')).toBe('0');
    }
    await expect(nodeClient('HEAD', '/api/oauth2/token', { 'x-padding': HUGE })).resolves.toEqual({ status: 431, body: '' });
    await expect(nodeClient('HEAD', `/health/live?${HUGE}`, {})).resolves.toEqual({ status: 431, body: '' });
    const post = await nodeClient('POST', '/api/oauth2/token', { 'x-padding': HUGE, 'content-length': '0' });
    expect([post.status, JSON.parse(post.body).error]).toEqual([431, 'invalid_request']);
  });

  it('answers an over-long authorization request URL with an HTML page', async () => {
    const res = await wire(`GET /api/oauth2/authorize?state=${HUGE} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n`, 'GET');
    expect(res.status).toBe(431);
    expect(header(res, 'content-type')).toMatch(/^text\/html/);
    expect(header(res, 'content-security-policy')).toMatch(/default-src 'none'/);
    expect(res.body.toString()).toMatch(/<title>Request headers too large<\/title>/);
  });

  it('answers malformed HTTP 400 with an RFC error body, and without a body when the method cannot be read', async () => {
    for (const raw of [
      'POST /api/oauth2/token HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: abc\r\n\r\n',
      'POST /api/oauth2/token HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 5\r\nContent-Length: 6\r\n\r\nhello',
      'POST /api/oauth2/token HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n',
      'POST /api/oauth2/token HTTP/1.1\r\nHost: 127.0.0.1\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n',
      'POST /api/oauth2/token HTTP/1.1\r\nHost: 127.0.0.1\r\nBad Header: x\r\n\r\n',
    ]) {
      expectRfcError(await wire(raw, 'POST'), 400);
    }
    for (const raw of ['get / HTTP/1.1\r\nHost: x\r\n\r\n', 'GARBAGE\r\n\r\n', '\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03']) {
      const res = await wire(raw, 'HEAD'); // unknown method: well formed for any client, hence no body
      expect([res.status, res.body.length]).toEqual([400, 0]);
    }
  });

  it('answers a request without exactly one Host header 400 (RFC 9112 §3.2) with an RFC error body', async () => {
    expectRfcError(await wire('POST /api/oauth2/token HTTP/1.1\r\nContent-Length: 0\r\nConnection: close\r\n\r\n', 'POST'), 400);
    expectRfcError(await wire('POST /api/oauth2/token HTTP/1.1\r\nHost: a\r\nHost: b\r\nContent-Length: 0\r\nConnection: close\r\n\r\n', 'POST'), 400);
    const http10 = await wire('GET /health/live HTTP/1.0\r\n\r\n', 'GET');
    expect(http10.status).toBe(200);
  });

  it('answers an Expect other than 100-continue 417, and 100-continue as usual', async () => {
    expectRfcError(await wire('POST /api/oauth2/token HTTP/1.1\r\nHost: 127.0.0.1\r\nExpect: something\r\nContent-Length: 0\r\nConnection: close\r\n\r\n', 'POST'), 417);
    const body = 'grant_type=client_credentials&client_id=svc&client_secret=svc-secret';
    const res = await exchange(port, [`POST /api/oauth2/token HTTP/1.1\r\nHost: 127.0.0.1\r\nExpect: 100-continue\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n`, body], { methods: ['POST'] });
    const parsed = parseWire(res.data, ['POST'], res.closed);
    expect(parsed.problems).toEqual([]);
    expect(res.data.toString()).toMatch(/^HTTP\/1\.1 100 Continue\r\n/);
    expect(parsed.responses.map((r) => r.status)).toEqual([200]);
  });

  it('answers a malformed percent-encoded path 400 without echoing it', async () => {
    const res = await wire('GET /api/oauth2/%zz-secret HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n', 'GET');
    expectRfcError(res, 400);
    expect(res.body.toString()).not.toMatch(/secret|%zz/);
  });

  it('keeps serving after all of it', async () => {
    const res = await fetch(`${t.root}/health/live`);
    expect(res.status).toBe(200);
  });
});
