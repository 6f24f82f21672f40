import request from 'supertest';
import { HttpAnswer, expectOAuthError } from './support/oauth-error-expectations.js';
import { sendRaw } from './support/raw-http.js';
import { TestApp, baseConfig, startTestApp } from './support/test-app.js';

/**
 * The token endpoint's error handling (SPEC §2, issue 3 item 1; RFC 6749 §5.2). Order of checks:
 * malformed request → invalid_request; unknown grant → unsupported_grant_type; client
 * authentication → invalid_client; grant not allowed → unauthorized_client; then the handler.
 */
describe('POST /api/oauth2/token: errors', () => {
  const TOKEN = '/api/oauth2/token';
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp(baseConfig({
      clients: {
        'web-app': { secret: 'web-secret', 'allowed-redirect-uris': ['https://app.test/callback'] },
        spa: { public: true, 'allowed-redirect-uris': ['http://127.0.0.1/callback'] },
        svc: { secret: 'svc-secret', 'allowed-grant-types': ['client_credentials'] },
        'code-only': {
          secret: 'code-secret',
          'allowed-grant-types': ['authorization_code', 'refresh_token'],
          'allowed-redirect-uris': ['https://code.test/callback'],
        },
      },
    }));
  });
  afterAll(async () => t.close());

  afterEach(() => {
    // Every answer here is a client error: none may have reached the unexpected-error path.
    expect(t.logs.filter((line) => /unexpected error|server_error/.test(line))).toEqual([]);
  });

  /** A request with exactly these headers and bytes, through the real Fastify instance. */
  async function raw(headers: Record<string, string>, payload?: Buffer | string, method: 'POST' | 'GET' = 'POST'): Promise<HttpAnswer> {
    return sendRaw(t.server, { method, path: TOKEN, headers, body: payload });
  }

  const form = 'application/x-www-form-urlencoded';
  const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

  describe('malformed request → invalid_request', () => {
    it('rejects a JSON body, even one naming a valid grant and client', async () => {
      const res = await request(t.server).post(TOKEN).auth('svc', 'svc-secret')
        .set('Content-Type', 'application/json').send(JSON.stringify({ grant_type: 'client_credentials' }));
      expectOAuthError(res, 400, 'invalid_request');
    });

    it('rejects a body without a Content-Type', async () => {
      const res = await raw({ authorization: basic('svc', 'svc-secret') }, Buffer.from('grant_type=client_credentials'));
      expectOAuthError(res, 400, 'invalid_request');
    });

    it('rejects a body of another media type (text/plain, multipart)', async () => {
      for (const type of ['text/plain', 'multipart/form-data; boundary=x']) {
        const res = await raw({ authorization: basic('svc', 'svc-secret'), 'content-type': type }, 'grant_type=client_credentials');
        expectOAuthError(res, 400, 'invalid_request');
      }
    });

    it('rejects an empty or malformed Content-Type header as a body that is not form-encoded (400, not 415)', async () => {
      for (const type of ['', 'application/x-www-form-urlencoded garbage', '/']) {
        const res = await raw({ authorization: basic('svc', 'svc-secret'), 'content-type': type }, 'grant_type=client_credentials');
        expectOAuthError(res, 400, 'invalid_request');
      }
    });

    it('accepts the form media type with parameters and in any case', async () => {
      for (const type of ['application/x-www-form-urlencoded;charset=UTF-8', 'Application/X-WWW-Form-Urlencoded; charset=utf-8']) {
        const res = await raw({ 'content-type': type }, 'grant_type=client_credentials&client_id=svc&client_secret=svc-secret');
        expect(res.status).toBe(200);
      }
    });

    it('answers 413 for a chunked body over 64 KiB (no Content-Length to check up front)', async () => {
      const res = await raw({ 'content-type': form, 'transfer-encoding': 'chunked' }, Buffer.alloc(70 * 1024, 'a'));
      expectOAuthError(res, 413, 'invalid_request');
    });

    it('survives parameter names and values that are Object.prototype members', async () => {
      const clientAuth = await raw({ 'content-type': form }, '__proto__=x&constructor=y&grant_type=client_credentials&client_id=constructor&client_secret=x');
      expectOAuthError(clientAuth, 401, 'invalid_client');
      const grant = await raw({ 'content-type': form }, 'grant_type=__proto__&client_id=svc&client_secret=svc-secret');
      expectOAuthError(grant, 400, 'unsupported_grant_type');
      const scope = await raw({ 'content-type': form }, 'grant_type=client_credentials&client_id=svc&client_secret=svc-secret&scope=constructor');
      expectOAuthError(scope, 400, 'invalid_scope');
    });

    it('rejects a repeated parameter (grant_type, scope, client_id)', async () => {
      for (const body of [
        'grant_type=client_credentials&grant_type=client_credentials',
        'grant_type=client_credentials&scope=openid&scope=profile',
        'grant_type=client_credentials&client_id=svc&client_id=svc&client_secret=svc-secret',
      ]) {
        const res = await raw({ authorization: basic('svc', 'svc-secret'), 'content-type': form }, body);
        expectOAuthError(res, 400, 'invalid_request');
        expect(res.body.error_description).toMatch(/repeated/);
      }
    });

    it('rejects bytes that are not UTF-8 (a raw 0xff)', async () => {
      const body = Buffer.concat([Buffer.from('grant_type=client_credentials&scope='), Buffer.from([0xff, 0xfe])]);
      const res = await raw({ authorization: basic('svc', 'svc-secret'), 'content-type': form }, body);
      expectOAuthError(res, 400, 'invalid_request');
    });

    it('rejects percent-encoded bytes that are not UTF-8 (%ff)', async () => {
      const res = await raw({ authorization: basic('svc', 'svc-secret'), 'content-type': form }, 'grant_type=client_credentials&scope=%ff');
      expectOAuthError(res, 400, 'invalid_request');
    });

    it('rejects malformed percent-encoding', async () => {
      for (const body of ['grant_type=client_credentials&scope=%zz', 'grant_type=client_credentials&scope=%', 'grant_type=client%2']) {
        const res = await raw({ authorization: basic('svc', 'svc-secret'), 'content-type': form }, body);
        expectOAuthError(res, 400, 'invalid_request');
      }
    });

    it('answers 413 with an OAuth error body for a form body over 64 KiB', async () => {
      const body = `grant_type=client_credentials&scope=${'a'.repeat(64 * 1024)}`;
      const res = await request(t.server).post(TOKEN).auth('svc', 'svc-secret').type('form').send(body);
      expectOAuthError(res, 413, 'invalid_request');
    });

    it('answers 413 for an oversized body of any other type too', async () => {
      const res = await raw({ 'content-type': 'application/json' }, `{"x":"${'a'.repeat(70 * 1024)}"}`);
      expectOAuthError(res, 413, 'invalid_request');
    });

    it('accepts a body of exactly 64 KiB (the limit is inclusive)', async () => {
      const prefix = 'grant_type=client_credentials&client_id=svc&client_secret=svc-secret&padding=';
      const body = prefix + 'a'.repeat(64 * 1024 - prefix.length);
      expect(Buffer.byteLength(body)).toBe(64 * 1024);
      const res = await raw({ 'content-type': form }, body);
      expect(res.status).toBe(200);
    });

    it('rejects an empty body (form or none) as a missing grant_type', async () => {
      expectOAuthError(await raw({ 'content-type': form }, ''), 400, 'invalid_request');
      const none = await raw({});
      expectOAuthError(none, 400, 'invalid_request');
    });

    it('rejects a missing or empty grant_type', async () => {
      for (const body of ['client_id=svc&client_secret=svc-secret', 'grant_type=&client_id=svc&client_secret=svc-secret']) {
        const res = await raw({ 'content-type': form }, body);
        expectOAuthError(res, 400, 'invalid_request');
        expect(res.body.error_description).toMatch(/grant_type/);
      }
    });

    it('checks the body before the grant: a repeated parameter with an unknown grant is invalid_request', async () => {
      const res = await raw({ 'content-type': form }, 'grant_type=password&grant_type=password');
      expectOAuthError(res, 400, 'invalid_request');
    });
  });

  describe('unknown grant → unsupported_grant_type', () => {
    it('rejects grants that are out of scope or unknown', async () => {
      for (const grant of ['password', 'implicit', 'urn:example:no-such-grant', 'CLIENT_CREDENTIALS']) {
        const res = await request(t.server).post(TOKEN).auth('svc', 'svc-secret').type('form').send({ grant_type: grant });
        expectOAuthError(res, 400, 'unsupported_grant_type');
      }
    });

    it('checks the grant before client authentication: bad or missing credentials still get unsupported_grant_type', async () => {
      const wrongBasic = await request(t.server).post(TOKEN).auth('svc', 'wrong').type('form').send({ grant_type: 'password' });
      expectOAuthError(wrongBasic, 400, 'unsupported_grant_type');
      expect(wrongBasic.headers['www-authenticate']).toBeUndefined();
      const unknownClient = await request(t.server).post(TOKEN).type('form')
        .send({ grant_type: 'password', client_id: 'nobody', client_secret: 'x' });
      expectOAuthError(unknownClient, 400, 'unsupported_grant_type');
      const noClient = await request(t.server).post(TOKEN).type('form').send({ grant_type: 'password' });
      expectOAuthError(noClient, 400, 'unsupported_grant_type');
    });

    it('does not echo a long or binary grant_type back in full', async () => {
      const grant = `urn:x:${'g'.repeat(500)}\u0001`;
      const res = await request(t.server).post(TOKEN).type('form').send({ grant_type: grant });
      expectOAuthError(res, 400, 'unsupported_grant_type');
      expect(res.body.error_description.length).toBeLessThan(200);
    });
  });

  describe('client authentication → invalid_client', () => {
    const grant = { grant_type: 'client_credentials' };

    it('answers 401 with WWW-Authenticate: Basic when HTTP Basic was tried with a wrong secret', async () => {
      const res = await request(t.server).post(TOKEN).auth('svc', 'wrong').type('form').send(grant);
      expectOAuthError(res, 401, 'invalid_client');
      expect(res.headers['www-authenticate']).toMatch(/^Basic realm="[^"]+"/);
    });

    it('answers 401 with WWW-Authenticate when HTTP Basic names an unknown client', async () => {
      const res = await request(t.server).post(TOKEN).auth('nobody', 'whatever').type('form').send(grant);
      expectOAuthError(res, 401, 'invalid_client');
      expect(res.headers['www-authenticate']).toMatch(/^Basic /);
    });

    it('answers 401 with WWW-Authenticate for malformed HTTP Basic credentials', async () => {
      for (const header of ['Basic', 'Basic !!!notbase64', `Basic ${Buffer.from('no-colon').toString('base64')}`,
        `Basic ${Buffer.from(':secret-without-id').toString('base64')}`]) {
        const res = await request(t.server).post(TOKEN).set('Authorization', header).type('form').send(grant);
        expectOAuthError(res, 401, 'invalid_client');
        expect(res.headers['www-authenticate']).toMatch(/^Basic /);
      }
    });

    it('answers 401 without WWW-Authenticate when the secret came in the body', async () => {
      const res = await request(t.server).post(TOKEN).type('form').send({ ...grant, client_id: 'svc', client_secret: 'wrong' });
      expectOAuthError(res, 401, 'invalid_client');
      expect(res.headers['www-authenticate']).toBeUndefined();
    });

    it('answers 401 without WWW-Authenticate for an unknown client_id in the body', async () => {
      const res = await request(t.server).post(TOKEN).type('form').send({ ...grant, client_id: 'nobody', client_secret: 'x' });
      expectOAuthError(res, 401, 'invalid_client');
      expect(res.headers['www-authenticate']).toBeUndefined();
    });

    it('answers 401 when no client is identified at all', async () => {
      const res = await request(t.server).post(TOKEN).type('form').send(grant);
      expectOAuthError(res, 401, 'invalid_client');
      expect(res.headers['www-authenticate']).toBeUndefined();
    });

    it('answers 401 when a confidential client sends only its client_id', async () => {
      const res = await request(t.server).post(TOKEN).type('form').send({ ...grant, client_id: 'svc' });
      expectOAuthError(res, 401, 'invalid_client');
    });

    it('answers 401 when a public client sends a secret', async () => {
      const res = await request(t.server).post(TOKEN).type('form').send({ ...grant, client_id: 'spa', client_secret: 'made-up' });
      expectOAuthError(res, 401, 'invalid_client');
    });

    it('rejects two authentication methods in one request (RFC 6749 §2.3) as invalid_request', async () => {
      const res = await request(t.server).post(TOKEN).auth('svc', 'svc-secret').type('form')
        .send({ ...grant, client_secret: 'svc-secret' });
      expectOAuthError(res, 400, 'invalid_request');
    });

    it('rejects a body client_id that differs from the HTTP Basic one', async () => {
      const res = await request(t.server).post(TOKEN).auth('svc', 'svc-secret').type('form').send({ ...grant, client_id: 'web-app' });
      expectOAuthError(res, 400, 'invalid_request');
    });

    it('never echoes the presented secret', async () => {
      const secret = 'very-distinctive-wrong-secret-123';
      const basicRes = await request(t.server).post(TOKEN).auth('svc', secret).type('form').send(grant);
      const postRes = await request(t.server).post(TOKEN).type('form').send({ ...grant, client_id: 'svc', client_secret: secret });
      for (const res of [basicRes, postRes]) {
        expect(res.status).toBe(401);
        expect(res.text).not.toContain(secret);
      }
      expect(t.logs.join('\n')).not.toContain(secret);
    });
  });

  describe('grant not allowed → unauthorized_client', () => {
    it('refuses client_credentials to a public client', async () => {
      const res = await request(t.server).post(TOKEN).type('form').send({ grant_type: 'client_credentials', client_id: 'spa' });
      expectOAuthError(res, 400, 'unauthorized_client');
    });

    it('refuses client_credentials to a confidential client whose allowed-grant-types lack it', async () => {
      const res = await request(t.server).post(TOKEN).auth('code-only', 'code-secret').type('form')
        .send({ grant_type: 'client_credentials' });
      expectOAuthError(res, 400, 'unauthorized_client');
    });

    it('authenticates first: that client with a wrong secret is invalid_client', async () => {
      const res = await request(t.server).post(TOKEN).auth('code-only', 'wrong').type('form').send({ grant_type: 'client_credentials' });
      expectOAuthError(res, 401, 'invalid_client');
    });

    it('lets a confidential client with the default grant types use client_credentials', async () => {
      const res = await request(t.server).post(TOKEN).auth('web-app', 'web-secret').type('form').send({ grant_type: 'client_credentials' });
      expect(res.status).toBe(200);
    });
  });

  describe('other malformed HTTP', () => {
    it('answers a GET with a 4xx OAuth-style JSON error, not a 500', async () => {
      const res = await raw({}, undefined, 'GET');
      expect([404, 405]).toContain(res.status);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(typeof res.body.error).toBe('string');
      expect(res.text).not.toMatch(/\n\s+at |node_modules/);
    });

    it('treats a huge Authorization header (within the HTTP limit) as failed client authentication', async () => {
      const res = await request(t.server).post(TOKEN).set('Authorization', `Basic ${'A'.repeat(12 * 1024)}`)
        .type('form').send({ grant_type: 'client_credentials' });
      expectOAuthError(res, 401, 'invalid_client');
    });

    it('answers a header beyond the HTTP limit with a 4xx, never a 500', async () => {
      let status: number;
      try {
        const res = await request(t.server).post(TOKEN).set('X-Padding', 'x'.repeat(64 * 1024))
          .type('form').send({ grant_type: 'client_credentials' });
        status = res.status;
        expect(res.text).not.toMatch(/\n\s+at |node_modules/);
      } catch (e) {
        // Node's HTTP parser may close the connection after its 431 answer.
        status = /431|ECONNRESET|socket hang up|EPIPE/.test(String(e)) ? 431 : 0;
      }
      expect(status).toBeGreaterThanOrEqual(400);
      expect(status).toBeLessThan(500);
    });
  });
});
