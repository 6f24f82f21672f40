// Risk: an issuer with a path (`urls.root: https://host/auth`, the server behind a proxy that
// strips `/auth`) whose sign-in page posts the username and password to `/api/oauth2/sign-in` at
// the root of the host — outside the issuer, to whatever else the host serves there — and scopes
// the sign-in CSRF cookie there too, so that the form never works and the credentials leave the
// issuer. RFC 9700 §4.7 (the CSRF binding must reach the endpoint), OIDC Core §3.1.2.1 (the
// authorization endpoint is under the issuer), docs/sessions.md (cookies under the issuer's path).
import request from 'supertest';
import { NoScriptBrowser } from '../support/no-script-browser.js';
import { ALICE_PASSWORD, TestApp, baseConfig, startTestApp } from '../support/test-app.js';
import { WEB_APP_CALLBACK } from '../support/token-endpoint.js';

const web = { client_id: 'web-app', redirect_uri: WEB_APP_CALLBACK };

function setCookies(res: request.Response): string[] {
  return [res.headers['set-cookie']].flat().filter((l): l is string => typeof l === 'string');
}

describe('security: the sign-in form of an issuer with a path', () => {
  let t: TestApp;
  beforeAll(async () => { t = await startTestApp(baseConfig({ urls: { root: 'https://login.example.test/auth' } })); });
  afterAll(async () => t.close());

  it('posts the credentials under the issuer\'s path and scopes the CSRF cookie there', async () => {
    const browser = new NoScriptBrowser(t, undefined, '/auth');
    const answer = await browser.authorize(web);
    if (answer.kind !== 'form') throw new Error('expected the sign-in form');
    expect(answer.form.action).toBe('/auth/api/oauth2/sign-in');
    const csrf = setCookies(answer.response).find((l) => l.startsWith('sympauthy_signin_'))!;
    expect(csrf).toMatch(/; Path=\/auth\/api\/oauth2; /);
    expect(csrf).toMatch(/; Secure$/);
  });

  it('completes a sign-in through the proxy, a wrong password included, and clears the CSRF cookie under the path', async () => {
    const browser = new NoScriptBrowser(t, undefined, '/auth');
    const answer = await browser.authorize(web);
    if (answer.kind !== 'form') throw new Error('expected the sign-in form');
    const wrong = await browser.signIn(answer.form, 'alice', 'wrong');
    expect(wrong.status).toBe(200);
    expect(/<form method="post" action="([^"]+)"/.exec(wrong.text)?.[1]).toBe('/auth/api/oauth2/sign-in');
    const signedIn = await browser.signIn(answer.form, 'alice', ALICE_PASSWORD);
    expect(signedIn.status).toBe(303);
    expect(new URL(String(signedIn.headers.location)).searchParams.get('code')).toBeTruthy();
    expect(setCookies(signedIn).find((l) => l.startsWith('sympauthy_signin_'))).toMatch(/=; Path=\/auth\/api\/oauth2; Max-Age=0;/);
  });

  it('keeps the paths of an issuer without a path as they were', async () => {
    const plain = await startTestApp(baseConfig());
    try {
      const answer = await new NoScriptBrowser(plain).authorize(web);
      if (answer.kind !== 'form') throw new Error('expected the sign-in form');
      expect(answer.form.action).toBe('/api/oauth2/sign-in');
      expect(setCookies(answer.response).find((l) => l.startsWith('sympauthy_signin_'))).toMatch(/; Path=\/api\/oauth2; /);
    } finally {
      await plain.close();
    }
  });
});
