import request from 'supertest';
import { pkcePair, parseSignInForm, submitSignIn } from './support/browser-flow.js';
import { dpopKey, dpopProof, jwtClaims } from './support/dpop.js';
import { TEST_ROOT, TestApp, baseConfigWithClients, startTestApp } from './support/test-app.js';
import {
  ClientAuth, SPA, SPA_CALLBACK, ShiftableClock, WEB_APP, WEB_APP_CALLBACK, WEB_APP_POST, exchangeCode, memoryStoreOn, postAsClient,
} from './support/token-endpoint.js';

/**
 * Pushed authorization requests (RFC 9126, SPEC §5): the endpoint's client authentication, the
 * authorization checks answered as JSON, `201` with `request_uri` and `expires_in`, and the
 * `request_uri` at the authorization endpoint: bound to its client, single use, expiring; the
 * per-client and global requirement; DPoP with PAR (RFC 9449 §10.1).
 */
const PAR = '/api/oauth2/par';
const REQUEST_URI = /^urn:ietf:params:oauth:request_uri:[A-Za-z0-9_-]{43}$/;
const PAR_ONLY: ClientAuth = { clientId: 'par-only', secret: 'par-secret' };

function config(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  return baseConfigWithClients({
    'par-only': { secret: 'par-secret', 'allowed-redirect-uris': ['https://par.test/cb'], 'require-pushed-authorization-requests': true },
  }, overrides);
}

/** Authorization parameters for `client` (a fresh PKCE pair; `verifier` for the exchange). */
function authorizationParams(clientId: string, redirectUri: string, extra: Record<string, string> = {}) {
  const { verifier, challenge } = pkcePair();
  const params: Record<string, string> = {
    response_type: 'code', client_id: clientId, redirect_uri: redirectUri, scope: 'openid', state: `st-${verifier.slice(0, 6)}`,
    code_challenge: challenge, code_challenge_method: 'S256', ...extra,
  };
  return { params, verifier };
}

function push(t: TestApp, params: Record<string, string>, client: ClientAuth = WEB_APP): request.Test {
  const { client_id: _ignored, ...rest } = params;
  return postAsClient(t, PAR, rest, client);
}

function authorizeWith(t: TestApp, query: Record<string, string>): request.Test {
  return request(t.server).get(`/api/oauth2/authorize?${new URLSearchParams(query).toString()}`);
}

/** The page answered for a request_uri, signed in: the code and where it was sent. */
async function signInOn(t: TestApp, page: request.Response): Promise<URL> {
  expect(page.status).toBe(200);
  const answer = await submitSignIn(t, parseSignInForm(page.text, page.headers['set-cookie']), 'alice', 'alice-password');
  expect(answer.status).toBe(303);
  return new URL(answer.headers.location);
}

function expectJsonError(res: request.Response, status: number, error: string): void {
  expect({ status: res.status, error: res.body.error }).toEqual({ status, error });
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  expect(res.headers.location).toBeUndefined();
  expect(res.body.request_uri).toBeUndefined();
}

function expectRequestUriPage(res: request.Response): void {
  expect(res.status).toBe(400);
  expect(res.headers['content-type']).toMatch(/^text\/html/);
  expect(res.headers.location).toBeUndefined();
  expect(res.text).toContain('request_uri');
}

describe('Pushed authorization requests (RFC 9126)', () => {
  let t: TestApp;
  const clock = new ShiftableClock();
  beforeAll(async () => { t = await startTestApp(config(), { extensions: [memoryStoreOn(clock)] }); });
  afterAll(async () => t.close());

  describe('POST /api/oauth2/par', () => {
    it('answers 201 with a request_uri and expires_in 60, not cached', async () => {
      const res = await push(t, authorizationParams('web-app', WEB_APP_CALLBACK).params);
      expect(res.status).toBe(201);
      expect(res.body).toEqual({ request_uri: expect.stringMatching(REQUEST_URI), expires_in: 60 });
      expect(res.headers['cache-control']).toBe('no-store');
    });

    it('authenticates the client as the token endpoint does: Basic, form body, or client_id alone for a public client', async () => {
      expect((await push(t, authorizationParams('web-app', WEB_APP_CALLBACK).params, WEB_APP_POST)).status).toBe(201);
      expect((await push(t, authorizationParams('spa', SPA_CALLBACK).params, SPA)).status).toBe(201);
    });

    it.each<[string, ClientAuth, boolean]>([
      ['a wrong secret (Basic)', { clientId: 'web-app', secret: 'wrong' }, true],
      ['a wrong secret (form)', { clientId: 'web-app', secret: 'wrong', method: 'post' }, false],
      ['a confidential client without its secret', { clientId: 'web-app' }, false],
      ['an unknown client', { clientId: 'nobody' }, false],
    ])('answers 401 invalid_client for %s', async (_label, client, basic) => {
      const res = await push(t, authorizationParams(client.clientId, WEB_APP_CALLBACK).params, client);
      expectJsonError(res, 401, 'invalid_client');
      if (basic) expect(res.headers['www-authenticate']).toMatch(/^Basic /);
    });

    it('answers 401 invalid_client without any client authentication', async () => {
      expectJsonError(await request(t.server).post(PAR).type('form').send({ response_type: 'code' }), 401, 'invalid_client');
    });

    it.each<[string, Record<string, string | undefined>, string]>([
      ['an unregistered redirect_uri', { redirect_uri: 'https://evil.test/cb' }, 'invalid_request'],
      ['no redirect_uri', { redirect_uri: undefined }, 'invalid_request'],
      ['no code_challenge', { code_challenge: undefined }, 'invalid_request'],
      ['code_challenge_method plain', { code_challenge_method: 'plain' }, 'invalid_request'],
      ['no state', { state: undefined }, 'invalid_request'],
      ['response_type token', { response_type: 'token' }, 'unsupported_response_type'],
      ['an unknown scope', { scope: 'openid wallet' }, 'invalid_scope'],
      ['a request object', { request: 'eyJhbGciOiJub25lIn0.e30.' }, 'request_not_supported'],
      ['a request_uri', { request_uri: 'urn:ietf:params:oauth:request_uri:abc' }, 'invalid_request'],
      ['an unsupported prompt', { prompt: 'bogus' }, 'invalid_request'],
      ['a malformed dpop_jkt', { dpop_jkt: 'short' }, 'invalid_request'],
      ['parameters longer than 8192 characters', { nonce: 'n'.repeat(300), state: 's'.repeat(2000), login_hint: 'x'.repeat(7000) }, 'invalid_request'],
    ])('answers 400 JSON, never a redirect, for %s', async (_label, change, error) => {
      const params = { ...authorizationParams('web-app', WEB_APP_CALLBACK).params, ...change };
      const defined = Object.fromEntries(Object.entries(params).filter(([, v]) => v !== undefined)) as Record<string, string>;
      expectJsonError(await push(t, defined), 400, error);
    });

    it('answers unauthorized_client for a client without the authorization code grant', async () => {
      const res = await push(t, authorizationParams('svc', WEB_APP_CALLBACK).params, { clientId: 'svc', secret: 'svc-secret' });
      expectJsonError(res, 400, 'unauthorized_client');
    });

    it('answers invalid_request for a repeated parameter or a body that is not a form', async () => {
      const repeated = await request(t.server).post(PAR).auth('web-app', 'web-secret').type('form').send('response_type=code&state=a&state=b');
      expectJsonError(repeated, 400, 'invalid_request');
      const json = await request(t.server).post(PAR).auth('web-app', 'web-secret').send({ response_type: 'code' });
      expectJsonError(json, 400, 'invalid_request');
    });
  });

  describe('GET /api/oauth2/authorize with a request_uri', () => {
    it('runs the pushed request: sign-in, code, exchange (with the pushed redirect_uri and state)', async () => {
      const { params, verifier } = authorizationParams('web-app', WEB_APP_CALLBACK, { scope: 'openid profile' });
      const { request_uri } = (await push(t, params)).body;
      const callback = await signInOn(t, await authorizeWith(t, { client_id: 'web-app', request_uri }));
      expect(callback.origin + callback.pathname).toBe(WEB_APP_CALLBACK);
      expect(callback.searchParams.get('state')).toBe(params.state);
      expect(callback.searchParams.get('iss')).toBe(TEST_ROOT);
      const tokens = await exchangeCode(t, { code: callback.searchParams.get('code')!, location: callback, verifier, redirectUri: WEB_APP_CALLBACK }, WEB_APP);
      expect(tokens.status).toBe(200);
      expect(tokens.body.scope).toBe('openid profile');
    });

    it('uses only the pushed parameters: others in the query are ignored', async () => {
      const { params } = authorizationParams('web-app', WEB_APP_CALLBACK);
      const { request_uri } = (await push(t, params)).body;
      const callback = await signInOn(t, await authorizeWith(t, {
        client_id: 'web-app', request_uri, redirect_uri: 'https://evil.test/cb', state: 'attacker', scope: 'openid email',
      }));
      expect(callback.origin + callback.pathname).toBe(WEB_APP_CALLBACK);
      expect(callback.searchParams.get('state')).toBe(params.state);
    });

    it('works once: a second use is an error page, never a redirect', async () => {
      const { request_uri } = (await push(t, authorizationParams('web-app', WEB_APP_CALLBACK).params)).body;
      expect((await authorizeWith(t, { client_id: 'web-app', request_uri })).status).toBe(200);
      expectRequestUriPage(await authorizeWith(t, { client_id: 'web-app', request_uri }));
    });

    it('is bound to its client: another client_id gets an error page and leaves it usable by its own', async () => {
      const { request_uri } = (await push(t, authorizationParams('web-app', WEB_APP_CALLBACK).params)).body;
      expectRequestUriPage(await authorizeWith(t, { client_id: 'spa', request_uri }));
      expect((await authorizeWith(t, { client_id: 'web-app', request_uri })).status).toBe(200);
    });

    it('expires after 60 seconds', async () => {
      const { request_uri } = (await push(t, authorizationParams('web-app', WEB_APP_CALLBACK).params)).body;
      clock.advance(61_000);
      expectRequestUriPage(await authorizeWith(t, { client_id: 'web-app', request_uri }));
    });

    it.each([
      ['an unknown request_uri', 'urn:ietf:params:oauth:request_uri:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA'],
      ['a request_uri of another form', 'https://app.test/request.jwt'],
      ['an empty request_uri', ''],
    ])('answers an error page for %s', async (_label, requestUri) => {
      expectRequestUriPage(await authorizeWith(t, { client_id: 'web-app', request_uri: requestUri }));
    });

    it('answers an error page for a request_uri without a client_id or with an unknown one', async () => {
      const { request_uri } = (await push(t, authorizationParams('web-app', WEB_APP_CALLBACK).params)).body;
      for (const query of [{ request_uri }, { client_id: 'nobody', request_uri }] as Record<string, string>[]) {
        const res = await authorizeWith(t, query);
        expect(res.status).toBe(400);
        expect(res.headers.location).toBeUndefined();
      }
      expect((await authorizeWith(t, { client_id: 'web-app', request_uri })).status).toBe(200);
    });
  });

  describe('require-pushed-authorization-requests (per client)', () => {
    it('refuses that client\'s authorization requests without a request_uri, with a redirect', async () => {
      const { params } = authorizationParams('par-only', 'https://par.test/cb');
      const res = await authorizeWith(t, params);
      expect(res.status).toBe(302);
      const location = new URL(res.headers.location);
      expect(location.origin + location.pathname).toBe('https://par.test/cb');
      expect(location.searchParams.get('error')).toBe('invalid_request');
      expect(location.searchParams.get('state')).toBe(params.state);
    });

    it('accepts them pushed', async () => {
      const { request_uri } = (await push(t, authorizationParams('par-only', 'https://par.test/cb').params, PAR_ONLY)).body;
      expect((await authorizeWith(t, { client_id: 'par-only', request_uri })).status).toBe(200);
    });

    it('leaves the other clients free to send their requests directly', async () => {
      expect((await authorizeWith(t, authorizationParams('web-app', WEB_APP_CALLBACK).params)).status).toBe(200);
    });
  });

  describe('with DPoP (RFC 9449 §10.1)', () => {
    const TOKEN_URL = `${TEST_ROOT}/api/oauth2/token`;

    it('binds the code to the key of a proof sent with the push', async () => {
      const key = dpopKey();
      const { params, verifier } = authorizationParams('spa', SPA_CALLBACK);
      const pushed = await push(t, params, SPA).set('DPoP', dpopProof(key, { htu: `${TEST_ROOT}${PAR}` }));
      expect(pushed.status).toBe(201);
      const callback = await signInOn(t, await authorizeWith(t, { client_id: 'spa', request_uri: pushed.body.request_uri }));
      const code = { code: callback.searchParams.get('code')!, location: callback, verifier, redirectUri: SPA_CALLBACK };
      expect((await exchangeCode(t, code, SPA)).body.error).toBe('invalid_grant');
      const tokens = await exchangeCode(t, code, SPA).set('DPoP', dpopProof(key, { htu: TOKEN_URL }));
      expect(tokens.status).toBe(200);
      expect(jwtClaims(tokens.body.access_token).cnf).toEqual({ jkt: key.jkt });
    });

    it('refuses a dpop_jkt that names another key than the proof\'s, and a bad proof', async () => {
      const key = dpopKey();
      const params = authorizationParams('spa', SPA_CALLBACK, { dpop_jkt: dpopKey().jkt }).params;
      expectJsonError(await push(t, params, SPA).set('DPoP', dpopProof(key, { htu: `${TEST_ROOT}${PAR}` })), 400, 'invalid_dpop_proof');
      expectJsonError(await push(t, authorizationParams('spa', SPA_CALLBACK).params, SPA).set('DPoP', dpopProof(key, { htu: TOKEN_URL })), 400, 'invalid_dpop_proof');
    });
  });

  it('advertises the endpoint and that PAR is not required for every client', async () => {
    const metadata = (await request(t.server).get('/.well-known/openid-configuration')).body;
    expect(metadata.pushed_authorization_request_endpoint).toBe(`${TEST_ROOT}${PAR}`);
    expect(metadata.require_pushed_authorization_requests).toBe(false);
  });
});

describe('PAR required for every client (authorization.require-pushed-authorization-requests)', () => {
  let t: TestApp;
  beforeAll(async () => { t = await startTestApp(config({ authorization: { 'require-pushed-authorization-requests': true } })); });
  afterAll(async () => t.close());

  it('refuses every direct authorization request and accepts pushed ones', async () => {
    const direct = await authorizeWith(t, authorizationParams('web-app', WEB_APP_CALLBACK).params);
    expect(direct.status).toBe(302);
    expect(new URL(direct.headers.location).searchParams.get('error')).toBe('invalid_request');
    const { request_uri } = (await push(t, authorizationParams('web-app', WEB_APP_CALLBACK).params)).body;
    expect((await authorizeWith(t, { client_id: 'web-app', request_uri })).status).toBe(200);
  });

  it('says so in discovery', async () => {
    for (const path of ['/.well-known/openid-configuration', '/.well-known/oauth-authorization-server']) {
      expect((await request(t.server).get(path)).body.require_pushed_authorization_requests).toBe(true);
    }
  });
});
