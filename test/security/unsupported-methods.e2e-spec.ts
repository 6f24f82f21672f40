// Risk: a method an endpoint does not accept gets a misleading or malformed answer. Fastify
// answers 404 for a known path with an unknown method, and the HTTP fuzz of issue 8 found
// `PUT`/`REPORT`/`MKCOL`… on the token, introspection and revocation endpoints answered
// `404 {"error":"not_found"}`. RFC 9110 §15.5.6: 405 with an `Allow` header listing the
// methods the target accepts; OAuth endpoints answer in RFC 6749 §5.2 form (`invalid_request`),
// pages a browser shows answer an HTML page. The rule is in docs/http-behaviour.md; the routes
// checked here are read from the app, so new endpoints are covered without editing this file.
import { METHODS } from 'node:http';
import { routeCatalogueOf } from '../../src/common/http-setup.js';
import type { CataloguedRoute } from '../../src/common/route-catalogue.js';
import { expectOAuthError } from '../support/oauth-error-expectations.js';
import { WireResponse, exchange, header, parseWire } from '../support/http-wire.js';
import { ListeningTestApp, baseConfig, startListeningTestApp } from '../support/test-app.js';

describe('unsupported methods', () => {
  let t: ListeningTestApp;
  let port: number;
  let routes: CataloguedRoute[];
  beforeAll(async () => {
    t = await startListeningTestApp((root) => baseConfig({ urls: { root } }));
    port = Number(new URL(t.root).port);
    routes = routeCatalogueOf(t.app.getHttpAdapter().getInstance()).all();
  });
  afterAll(async () => t.close());

  async function send(method: string, path: string): Promise<WireResponse> {
    const res = await exchange(port, `${method} ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n`, { methods: [method] });
    const wire = parseWire(res.data, [method], res.closed);
    expect({ method, path, problems: wire.problems, count: wire.responses.length }).toEqual({ method, path, problems: [], count: 1 });
    return wire.responses[0];
  }

  it('knows the endpoints of the specification, pages marked as HTML', () => {
    const byPath = Object.fromEntries(routes.map((r) => [r.path, `${r.methods.join(',')} ${r.format}`]));
    expect(byPath).toMatchObject({
      // OPTIONS: the CORS preflight (src/cors/) of the endpoints a browser application calls.
      '/api/oauth2/token': 'OPTIONS,POST json',
      '/api/oauth2/introspect': 'OPTIONS,POST json',
      '/api/oauth2/revoke': 'OPTIONS,POST json',
      '/api/oauth2/authorize': 'GET,HEAD html',
      '/api/oauth2/sign-in': 'POST html',
      '/api/openid/userinfo': 'GET,HEAD,OPTIONS,POST json',
      '/health/live': 'GET,HEAD json',
    });
  });

  it('answers every other method on every route 405 with Allow, in the route\'s error format', async () => {
    let checked = 0;
    for (const route of routes) {
      for (const method of METHODS.filter((m) => !route.methods.includes(m) && m !== 'CONNECT')) {
        const res = await send(method, route.path);
        const where = `${method} ${route.path}`;
        expect({ where, status: res.status, allow: header(res, 'allow') }).toEqual({ where, status: 405, allow: route.methods.join(', ') });
        if (method === 'HEAD') {
          expect(res.body.length).toBe(0);
        } else if (route.format === 'html') {
          expect(header(res, 'content-type')).toMatch(/^text\/html/);
          expect(res.body.toString()).toMatch(/<title>Method not allowed<\/title>/);
        } else {
          const text = res.body.toString();
          expectOAuthError({ status: res.status, headers: Object.fromEntries(res.headers), body: JSON.parse(text), text }, 405, 'invalid_request');
        }
        checked++;
      }
    }
    expect(checked).toBeGreaterThan(routes.length * 20);
  }, 60_000);

  it('answers CONNECT 405 on a known path and 400 for an authority target (not a proxy)', async () => {
    const onPath = await send('CONNECT', '/api/oauth2/token');
    expect([onPath.status, header(onPath, 'allow')]).toEqual([405, 'OPTIONS, POST']);
    expect(JSON.parse(onPath.body.toString()).error).toBe('invalid_request');
    const proxy = await send('CONNECT', 'example.com:443');
    expect(proxy.status).toBe(400);
    expect(JSON.parse(proxy.body.toString()).error).toBe('invalid_request');
  });

  it('still answers 404 for a path no route has, and 405 for a percent-encoded known path', async () => {
    const unknown = await send('PUT', '/api/oauth2/nothing-here');
    expect([unknown.status, header(unknown, 'allow')]).toEqual([404, undefined]);
    expect(JSON.parse(unknown.body.toString())).toEqual({ error: 'not_found', error_description: expect.any(String) });
    const encoded = await send('PUT', '/api/oauth2/%74oken?x=1');
    expect([encoded.status, header(encoded, 'allow')]).toEqual([405, 'OPTIONS, POST']);
  });

  it('answers 405, not 413, for an unsupported method with an oversized body, after reading it', async () => {
    const body = Buffer.alloc(4 * 1024 * 1024, 'a');
    const res = await exchange(port, [`PUT /api/oauth2/token HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/x-www-form-urlencoded\r\nContent-Length: ${body.length}\r\nConnection: close\r\n\r\n`, body], { methods: ['PUT'] });
    expect(res.error).toBeUndefined();
    const wire = parseWire(res.data, ['PUT'], res.closed);
    expect(wire.problems).toEqual([]);
    expect([wire.responses[0].status, header(wire.responses[0], 'allow')]).toEqual([405, 'OPTIONS, POST']);
  });
});
