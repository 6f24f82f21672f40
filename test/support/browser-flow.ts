import { createHash, randomBytes } from 'node:crypto';
import request from 'supertest';
import type { TestApp } from './test-app.js';

export function pkcePair(): { verifier: string; challenge: string } {
  const verifier = randomBytes(32).toString('base64url');
  return { verifier, challenge: createHash('sha256').update(verifier).digest('base64url') };
}

export interface AuthorizeParams {
  client_id: string;
  redirect_uri: string;
  scope?: string;
  state?: string;
  nonce?: string;
  code_challenge?: string;
  code_challenge_method?: string;
  response_type?: string;
  [extra: string]: string | undefined;
}

export interface SignInForm {
  action: string;
  /** The sealed pending sign-in (hidden field `request`). */
  request: string;
  csrfToken: string;
  cookie: string;
  html: string;
}

/** Reads the sign-in form as a browser without JavaScript would. */
export function parseSignInForm(html: string, setCookie: string | string[] | undefined): SignInForm {
  const action = /<form method="post" action="([^"]+)"/.exec(html)?.[1];
  const sealed = /name="request" value="([^"]+)"/.exec(html)?.[1];
  const csrfToken = /name="csrf_token" value="([^"]+)"/.exec(html)?.[1];
  const cookies = (Array.isArray(setCookie) ? setCookie : setCookie ? [setCookie] : []).map((c) => c.split(';')[0]);
  if (!action || !sealed || !csrfToken) throw new Error(`no sign-in form in page:\n${html.slice(0, 500)}`);
  return { action, request: sealed, csrfToken, cookie: cookies.join('; '), html };
}

export async function openAuthorize(t: TestApp, params: AuthorizeParams): Promise<request.Response> {
  const query = new URLSearchParams(Object.entries(params).filter(([, v]) => v !== undefined) as [string, string][]);
  return request(t.server).get(`/api/oauth2/authorize?${query.toString()}`);
}

export async function submitSignIn(t: TestApp, form: SignInForm, username: string, password: string, overrides: Partial<Record<string, string>> = {}): Promise<request.Response> {
  return request(t.server).post(form.action).set('cookie', form.cookie).type('form')
    .send({ request: form.request, csrf_token: form.csrfToken, username, password, ...overrides });
}

export interface CodeResult {
  code: string;
  location: URL;
  verifier: string;
  redirectUri: string;
}

/** GET authorize → parse the form → POST the credentials with the cookie → read the 303. */
export async function obtainCode(t: TestApp, params: { client_id: string; redirect_uri: string } & Partial<Record<string, string>>, username = 'alice', password = 'alice-password'): Promise<CodeResult> {
  const { verifier, challenge } = pkcePair();
  const page = await openAuthorize(t, {
    response_type: 'code', state: 'st-' + randomBytes(4).toString('hex'), code_challenge: challenge, code_challenge_method: 'S256', ...params,
  } as AuthorizeParams);
  if (page.status !== 200) throw new Error(`authorize answered ${page.status}: ${page.text?.slice(0, 300)} ${page.headers.location ?? ''}`);
  const form = parseSignInForm(page.text, page.headers['set-cookie']);
  const res = await submitSignIn(t, form, username, password);
  if (res.status !== 303) throw new Error(`sign-in answered ${res.status}: ${res.text?.slice(0, 300)}`);
  const location = new URL(String(res.headers.location));
  const code = location.searchParams.get('code');
  if (!code) throw new Error(`no code in ${res.headers.location}`);
  return { code, location, verifier, redirectUri: params.redirect_uri };
}

/**
 * The browser part over real HTTP (for a running app): GET the authorization URL, read the
 * sign-in form, POST the credentials with the cookie, and return the `Location` of the 303.
 */
export async function signInOverHttp(authorizationUrl: URL, username: string, password: string): Promise<URL> {
  const page = await fetch(authorizationUrl, { redirect: 'manual' });
  const html = await page.text();
  if (page.status !== 200) throw new Error(`authorize answered ${page.status}: ${html.slice(0, 300)} ${page.headers.get('location') ?? ''}`);
  const form = parseSignInForm(html, page.headers.getSetCookie());
  const answer = await fetch(new URL(form.action, authorizationUrl), {
    method: 'POST',
    redirect: 'manual',
    headers: { 'content-type': 'application/x-www-form-urlencoded', cookie: form.cookie },
    body: new URLSearchParams({ request: form.request, csrf_token: form.csrfToken, username, password }),
  });
  const location = answer.headers.get('location');
  if (answer.status !== 303 || !location) throw new Error(`sign-in answered ${answer.status}: ${(await answer.text()).slice(0, 300)}`);
  return new URL(location);
}
