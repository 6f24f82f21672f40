// Risk: credentials leaking into logs — passwords, codes, tokens or client secrets written to
// log lines, where operators, log pipelines and whoever reads them can replay them.
// RFC 6749 §10.3 (access tokens), §10.4 (refresh tokens), §10.5 (authorization codes) keep them
// confidential in storage; RFC 6819 §5.1.4.1 and SPEC §4 ("logs never contain a secret,
// password, code or token").
import request from 'supertest';
import { openAuthorize, parseSignInForm, pkcePair, submitSignIn } from '../support/browser-flow.js';
import { ALICE_PASSWORD, TestApp, baseConfig, startTestApp } from '../support/test-app.js';
import { WEB_APP, WEB_APP_CALLBACK, WEB_APP_POST, introspect, refresh, revoke, tokenRequest } from '../support/token-endpoint.js';

describe('security: no secret in the logs of the code flow', () => {
  let t: TestApp;
  const secrets = new Map<string, string>();
  beforeAll(async () => {
    t = await startTestApp(baseConfig());
    const remember = (label: string, value: unknown): void => {
      expect(typeof value).toBe('string');
      expect((value as string).length).toBeGreaterThan(8);
      secrets.set(label, value as string);
    };
    remember('client secret', 'web-secret');
    remember('password', ALICE_PASSWORD);
    remember('basic credentials', Buffer.from('web-app:web-secret').toString('base64'));

    const { verifier, challenge } = pkcePair();
    remember('code verifier', verifier);
    const page = await openAuthorize(t, {
      response_type: 'code', client_id: 'web-app', redirect_uri: WEB_APP_CALLBACK, state: 'state-with-some-length', scope: 'openid profile',
      nonce: 'nonce-with-some-length', code_challenge: challenge, code_challenge_method: 'S256',
    });
    const form = parseSignInForm(page.text, page.headers['set-cookie']);
    remember('csrf token', form.csrfToken);
    const wrongPassword = 'a-wrong-password-123';
    remember('wrong password', wrongPassword);
    expect((await submitSignIn(t, form, 'alice', wrongPassword)).status).toBe(200);
    const signedIn = await submitSignIn(t, form, 'alice', ALICE_PASSWORD);
    expect(signedIn.status).toBe(303);
    const code = new URL(String(signedIn.headers.location)).searchParams.get('code');
    remember('code', code);

    const exchange = await tokenRequest(t, { grant_type: 'authorization_code', code: code!, redirect_uri: WEB_APP_CALLBACK, code_verifier: verifier }, WEB_APP_POST);
    expect(exchange.status).toBe(200);
    remember('access token', exchange.body.access_token);
    remember('refresh token', exchange.body.refresh_token);
    remember('id token', exchange.body.id_token);
    // Errors carry the same values: a replayed code, a bad verifier, a wrong secret.
    expect((await tokenRequest(t, { grant_type: 'authorization_code', code: code!, redirect_uri: WEB_APP_CALLBACK, code_verifier: verifier }, WEB_APP)).status).toBe(400);
    expect((await tokenRequest(t, { grant_type: 'refresh_token', refresh_token: exchange.body.refresh_token }, { clientId: 'web-app', secret: 'web-secret-wrong' })).status).toBe(401);

    const second = await signInAgain();
    remember('second access token', second.access_token);
    remember('second refresh token', second.refresh_token);
    const rotated = await refresh(t, second.refresh_token, WEB_APP);
    expect(rotated.status).toBe(200);
    remember('rotated refresh token', rotated.body.refresh_token);
    expect((await request(t.server).get('/api/openid/userinfo').set('authorization', `Bearer ${rotated.body.access_token}`)).status).toBe(200);
    expect((await request(t.server).get(`/api/openid/userinfo?access_token=${rotated.body.access_token}`)).status).toBe(400);
    expect((await introspect(t, rotated.body.access_token, WEB_APP)).status).toBe(200);
    expect((await revoke(t, rotated.body.refresh_token, WEB_APP)).status).toBe(200);
  });
  afterAll(async () => t.close());

  async function signInAgain(): Promise<{ access_token: string; refresh_token: string }> {
    const { verifier, challenge } = pkcePair();
    const page = await openAuthorize(t, {
      response_type: 'code', client_id: 'web-app', redirect_uri: WEB_APP_CALLBACK, state: 's2', scope: 'openid',
      code_challenge: challenge, code_challenge_method: 'S256',
    });
    const form = parseSignInForm(page.text, page.headers['set-cookie']);
    const signedIn = await submitSignIn(t, form, 'alice', ALICE_PASSWORD);
    const code = new URL(String(signedIn.headers.location)).searchParams.get('code')!;
    const res = await tokenRequest(t, { grant_type: 'authorization_code', code, redirect_uri: WEB_APP_CALLBACK, code_verifier: verifier }, WEB_APP);
    expect(res.status).toBe(200);
    return res.body;
  }

  it('logged every request of the flow (so the check below has something to read)', () => {
    const requestLines = t.logs.filter((line) => line.includes('"path":"/api/oauth2/'));
    expect(requestLines.length).toBeGreaterThanOrEqual(10);
    expect(t.logs.some((line) => line.includes('"path":"/api/oauth2/token"') && line.includes('"clientId":"web-app"'))).toBe(true);
  });

  it('never wrote a password, code, verifier, CSRF token, token or client secret to a log line', () => {
    const leaked = [...secrets].filter(([, value]) => t.logs.some((line) => line.includes(value))).map(([label]) => label);
    expect(leaked).toEqual([]);
  });

  it('never wrote the query string of a request to a log line', () => {
    expect(t.logs.filter((line) => /"path":"[^"]*\?/.test(line))).toEqual([]);
  });
});
