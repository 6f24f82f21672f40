import request from 'supertest';
import { parseSignInForm, pkcePair } from './browser-flow.js';
import type { CodeResult, SignInForm } from './browser-flow.js';
import type { TestApp } from './test-app.js';

interface StoredCookie {
  value: string;
  path: string;
}

/** What a GET of the authorization endpoint led to. */
export type AuthorizeAnswer = { response: request.Response; verifier: string; redirectUri: string } & (
  /** The sign-in page (200). */
  | { kind: 'form'; form: SignInForm }
  /** A redirect to the client: a code (`result`), or an error. */
  | { kind: 'redirect'; location: URL; result?: CodeResult });

/**
 * A browser without JavaScript for the single sign-on tests: one cookie jar (name and path, as
 * RFC 6265 scopes cookies on one host; `Max-Age=0` removes), shared by every client it signs in
 * to and by every server it talks to (`at(other)`: the same browser at another replica). Nothing
 * is followed automatically: each answer is returned.
 */
export class NoScriptBrowser {
  /**
   * `mount`: the issuer's path when a proxy serves the server under it (`/auth` for
   * `https://host/auth`) and strips it before forwarding. Paths given to {@link get} and
   * {@link post} are the server's routes (`/api/…`); the browser sees them under `mount`, and
   * scopes its cookies by what it sees. A form's `action` is what the browser sees
   * ({@link submit}).
   */
  constructor(private readonly target: TestApp, private readonly jar = new Map<string, StoredCookie>(), private readonly mount = '') {}

  /** The same browser (same cookies) talking to another server. */
  at(target: TestApp): NoScriptBrowser {
    return new NoScriptBrowser(target, this.jar, this.mount);
  }

  /** A cookie's value, if the jar holds it. */
  cookie(name: string): string | undefined {
    return [...this.jar.entries()].find(([key]) => key.startsWith(`${name}\0`))?.[1].value;
  }

  /** Sets a cookie as an attacker or another site could have (Path=/). */
  plant(name: string, value: string, path = '/'): void {
    this.jar.set(`${name}\0${path}`, { value, path });
  }

  forget(): void {
    this.jar.clear();
  }

  async get(pathAndQuery: string, headers: Record<string, string> = {}): Promise<request.Response> {
    const path = this.mount + pathAndQuery.split('?')[0];
    const response = await withCookies(request(this.target.server).get(pathAndQuery), this.cookieHeader(path)).set(headers);
    this.store(response);
    return response;
  }

  async post(path: string, fields: Record<string, string | undefined>, headers: Record<string, string> = {}): Promise<request.Response> {
    const body = Object.fromEntries(Object.entries(fields).filter(([, v]) => v !== undefined));
    const response = await withCookies(request(this.target.server).post(path), this.cookieHeader(this.mount + path)).set(headers).type('form').send(body);
    this.store(response);
    return response;
  }

  /**
   * Posts a form to its `action` as the browser sees it: under {@link mount}, the proxy forwards
   * it to the server without the mount; anywhere else on the host it never reaches this server
   * (the test fails: the fields would go to whatever else the host serves there).
   */
  async submit(action: string, fields: Record<string, string | undefined>, headers: Record<string, string> = {}): Promise<request.Response> {
    if (this.mount === '') return this.post(action, fields, headers);
    if (!action.startsWith(`${this.mount}/`)) throw new Error(`the form posts to ${action}, outside the issuer's path ${this.mount}: it never reaches the server`);
    return this.post(action.slice(this.mount.length), fields, headers);
  }

  /** GET the authorization endpoint for `client_id` + `redirect_uri` with a fresh PKCE pair and state. */
  async authorize(params: { client_id: string; redirect_uri: string } & Record<string, string | undefined>): Promise<AuthorizeAnswer> {
    const { verifier, challenge } = pkcePair();
    const query = new URLSearchParams(Object.entries({
      response_type: 'code', scope: 'openid profile', state: `st-${Math.random().toString(36).slice(2)}`,
      code_challenge: challenge, code_challenge_method: 'S256', ...params,
    }).filter((e): e is [string, string] => e[1] !== undefined));
    const response = await this.get(`/api/oauth2/authorize?${query}`);
    const redirectUri = params.redirect_uri;
    if (response.status === 200) return { kind: 'form', response, verifier, redirectUri, form: parseSignInForm(response.text, response.headers['set-cookie']) };
    if (response.status !== 302 && response.status !== 303) throw new Error(`authorize answered ${response.status}: ${response.text.slice(0, 300)}`);
    const location = new URL(String(response.headers.location));
    const code = location.searchParams.get('code');
    return { kind: 'redirect', response, verifier, redirectUri, location, result: code ? { code, location, verifier, redirectUri } : undefined };
  }

  /** Posts the sign-in form (the jar supplies the cookies). */
  async signIn(form: SignInForm, username: string, password: string, extra: Record<string, string> = {}): Promise<request.Response> {
    return this.submit(form.action, { request: form.request, csrf_token: form.csrfToken, username, password, ...extra });
  }

  /** Authorize → the form → sign in → the code of the 303; fails loudly on anything else. */
  async signInTo(params: { client_id: string; redirect_uri: string } & Record<string, string | undefined>, username: string, password: string): Promise<CodeResult> {
    const answer = await this.authorize(params);
    if (answer.kind !== 'form') throw new Error(`expected the sign-in form, got a redirect to ${answer.location}`);
    const signedIn = await this.signIn(answer.form, username, password);
    if (signedIn.status !== 303) throw new Error(`sign-in answered ${signedIn.status}: ${signedIn.text.slice(0, 300)}`);
    const location = new URL(String(signedIn.headers.location));
    const code = location.searchParams.get('code');
    if (!code) throw new Error(`no code in ${location}`);
    return { code, location, verifier: answer.verifier, redirectUri: answer.redirectUri };
  }

  /** Authorize expecting a code at once (a session serves the request); fails loudly otherwise. */
  async silentCode(params: { client_id: string; redirect_uri: string } & Record<string, string | undefined>): Promise<CodeResult> {
    const answer = await this.authorize(params);
    if (answer.kind !== 'redirect' || !answer.result) {
      throw new Error(answer.kind === 'form' ? 'expected a code, got the sign-in form' : `expected a code, got ${answer.location}`);
    }
    return answer.result;
  }

  private cookieHeader(path: string): string {
    return [...this.jar.entries()]
      .filter(([, c]) => path === c.path || path.startsWith(c.path.endsWith('/') ? c.path : `${c.path}/`))
      .sort(([, a], [, b]) => b.path.length - a.path.length)
      .map(([key, c]) => `${key.split('\0')[0]}=${c.value}`)
      .join('; ');
  }

  private store(response: request.Response): void {
    const lines = [response.headers['set-cookie']].flat().filter((l): l is string => typeof l === 'string');
    for (const line of lines) {
      const [pair, ...attributes] = line.split(';').map((p) => p.trim());
      const eq = pair.indexOf('=');
      const name = pair.slice(0, eq);
      const value = pair.slice(eq + 1);
      const path = attributes.find((a) => /^path=/i.test(a))?.slice(5) ?? '/';
      const maxAge = attributes.find((a) => /^max-age=/i.test(a))?.slice(8);
      if (maxAge !== undefined && Number(maxAge) <= 0) this.jar.delete(`${name}\0${path}`);
      else this.jar.set(`${name}\0${path}`, { value, path });
    }
  }
}

function withCookies(test: request.Test, cookie: string): request.Test {
  return cookie ? test.set('cookie', cookie) : test;
}
