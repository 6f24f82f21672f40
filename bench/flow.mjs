// The authorization-code round trip of issue 4, driven as a browser without JavaScript would, the
// same way for both servers: GET the authorization URL, follow redirects on the server's origin,
// fill in the one HTML form met on the way (its hidden fields + username and password), follow
// redirects until the redirect URI, then exchange the code at the token endpoint.
// Our server: authorize (200, form) → sign-in POST (303 to the callback) → token: 3 requests.
// node-oidc-provider: authorize (303) → interaction page (200, form) → login POST (303) →
// authorize resume (303 to the callback) → token: 5 requests.
//
// driveFlows() loops that flow with N virtual users (one Browser each, fresh cookies per flow)
// and measures the flows completed inside a window after a lead-in.
import { createHash, createPublicKey, randomBytes, verify } from 'node:crypto';
import { Browser } from './browser.mjs';
import { percentile, serverSampler } from './measure.mjs';

const FORM = 'application/x-www-form-urlencoded';
const MAX_STEPS = 10;
const FAILURE_PAUSE_MS = 20;

export class FlowError extends Error {
  constructor(reason, detail = '') {
    super(detail ? `${reason}: ${detail}` : reason);
    this.reason = reason;
  }
}

/** `Authorization: Basic` per RFC 6749 §2.3.1 (id and secret form-urlencoded first). */
export function basic(id, secret) {
  return `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;
}

/**
 * What a flow needs to know about one server, from its discovery document.
 * @returns {Promise<{ issuer, authorizationEndpoint, tokenEndpoint, jwksUri, clientId, authorization, redirectUri, scope, username, password }>}
 */
export async function discoverFlow(server, { client, redirectUri, scope, username, password }) {
  const discovery = await (await fetch(`${server.url}/.well-known/openid-configuration`)).json();
  return {
    issuer: discovery.issuer,
    authorizationEndpoint: discovery.authorization_endpoint,
    tokenEndpoint: discovery.token_endpoint,
    jwksUri: discovery.jwks_uri,
    clientId: client.id,
    authorization: basic(client.id, client.secret),
    redirectUri,
    scope,
    username,
    password,
  };
}

const decodeHtml = (text) => text.replace(/&(#\d+|#x[0-9a-f]+|amp|lt|gt|quot|apos);/gi, (entity, name) => {
  const lower = name.toLowerCase();
  if (lower.startsWith('#x')) return String.fromCodePoint(parseInt(lower.slice(2), 16));
  if (lower.startsWith('#')) return String.fromCodePoint(Number(lower.slice(1)));
  return { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" }[lower] ?? entity;
});

/** The POST form of an HTML page: its action and hidden fields. */
function readForm(html, pageUrl) {
  const form = /<form\b[^>]*\bmethod="post"[^>]*>/i.exec(html)?.[0];
  const action = form && /\baction="([^"]*)"/i.exec(form)?.[1];
  if (!action) throw new FlowError('no POST form in the page', html.slice(0, 200));
  const fields = new URLSearchParams();
  for (const input of html.matchAll(/<input\b[^>]*>/gi)) {
    if (!/\btype="hidden"/i.test(input[0])) continue;
    const name = /\bname="([^"]*)"/i.exec(input[0])?.[1];
    if (name) fields.set(decodeHtml(name), decodeHtml(/\bvalue="([^"]*)"/i.exec(input[0])?.[1] ?? ''));
  }
  return { action: new URL(decodeHtml(action), pageUrl), fields };
}

const isRedirect = (status) => status === 301 || status === 302 || status === 303 || status === 307;

/**
 * One whole round trip with a fresh cookie jar — or, with `session`, with the cookies the browser
 * has (a live single sign-on session), where meeting a form is a failure: the round trip must
 * need no password. Throws a FlowError unless the token endpoint answers 200 with an access
 * token and an ID token.
 * @returns {Promise<{ tokens: object, requests: number, browserMs: number, tokenMs: number }>}
 */
export async function authorizationCodeFlow(browser, flow, { session = false } = {}) {
  if (!session) browser.forgetCookies();
  const started = performance.now();
  const verifier = randomBytes(32).toString('base64url');
  const state = randomBytes(12).toString('base64url');
  const query = new URLSearchParams({
    response_type: 'code',
    client_id: flow.clientId,
    redirect_uri: flow.redirectUri,
    scope: flow.scope,
    state,
    code_challenge: createHash('sha256').update(verifier).digest('base64url'),
    code_challenge_method: 'S256',
  });
  let url = new URL(`${flow.authorizationEndpoint}?${query}`);
  let step = 'authorize';
  let answer = await browser.request(url);
  let requests = 1;
  let signedIn = false;
  let callback;
  while (!callback) {
    if (requests > MAX_STEPS) throw new FlowError('too many steps before the callback');
    if (isRedirect(answer.status) && answer.location) {
      const next = new URL(answer.location, url);
      if (`${next.origin}${next.pathname}` === flow.redirectUri) {
        callback = next;
        break;
      }
      if (next.origin !== url.origin) throw new FlowError(`${step} redirected to another origin`, next.origin);
      url = next;
      step = 'redirect';
      answer = await browser.request(url);
    } else if (answer.status === 200 && !signedIn) {
      if (session) throw new FlowError('a form despite the session', answer.text.slice(0, 200));
      const form = readForm(answer.text, url);
      form.fields.set('username', flow.username);
      form.fields.set('password', flow.password);
      url = form.action;
      step = 'sign-in';
      signedIn = true;
      answer = await browser.request(url, { method: 'POST', headers: { 'content-type': FORM }, body: form.fields.toString() });
    } else {
      throw new FlowError(`${step} answered ${answer.status}`, answer.text.slice(0, 200));
    }
    requests++;
  }
  const code = callback.searchParams.get('code');
  if (!code) throw new FlowError('callback without code', callback.search.slice(0, 200));
  if (callback.searchParams.get('state') !== state) throw new FlowError('callback with another state');
  const codeAt = performance.now();

  const token = await browser.request(flow.tokenEndpoint, {
    method: 'POST',
    headers: { 'content-type': FORM, authorization: flow.authorization },
    body: new URLSearchParams({ grant_type: 'authorization_code', code, redirect_uri: flow.redirectUri, code_verifier: verifier }).toString(),
  });
  requests++;
  if (token.status !== 200) throw new FlowError(`token answered ${token.status}`, token.text.slice(0, 200));
  const tokens = JSON.parse(token.text);
  if (typeof tokens.access_token !== 'string' || !tokens.access_token) throw new FlowError('token response without access_token');
  if (flow.scope.split(' ').includes('openid') && typeof tokens.id_token !== 'string') throw new FlowError('token response without id_token');
  const done = performance.now();
  return { tokens, callback, requests, browserMs: codeAt - started, tokenMs: done - codeAt };
}

const jwtParts = (jwt, what) => {
  const parts = String(jwt).split('.');
  if (parts.length !== 3) throw new FlowError(`${what} is not a JWT`);
  return { header: JSON.parse(Buffer.from(parts[0], 'base64url')), claims: JSON.parse(Buffer.from(parts[1], 'base64url')), parts };
};

/**
 * Runs one flow and checks what we claim to measure, the same checks for both servers: the
 * callback carries `iss`; a JWT access token (`typ: at+jwt`, ES256, signed by a key of the
 * server's JWKS, `sub` = the user, `client_id` = the client); an ID token (ES256, signed by a
 * JWKS key, `iss`, `aud` = the client, `sub` = the user); a refresh token.
 * @returns {Promise<string>} one line saying what was checked
 */
export async function checkFlow(server, flow, { session = false } = {}) {
  const browser = new Browser();
  try {
    const signIn = session ? await authorizationCodeFlow(browser, flow) : undefined;
    const { tokens, callback, requests } = await authorizationCodeFlow(browser, flow, { session });
    const fail = (why) => { throw new Error(`${server.name} flow check: ${why}`); };
    // A session flow's ID token tells when the user signed in, not when the code was issued.
    const signInAuthTime = signIn && jwtParts(signIn.tokens.id_token, 'ID token').claims.auth_time;
    if (signInAuthTime !== undefined && jwtParts(tokens.id_token, 'ID token').claims.auth_time !== signInAuthTime) fail('ID token auth_time is not the sign-in time');
    if (callback.searchParams.get('iss') !== flow.issuer) fail(`callback iss ${callback.searchParams.get('iss')}, expected ${flow.issuer}`);
    const jwks = await (await fetch(flow.jwksUri)).json();
    const verifyJwt = (jwt, what, typ) => {
      const { header, claims, parts } = jwtParts(jwt, what);
      if (header.alg !== 'ES256') fail(`${what} alg ${header.alg}`);
      if (typ && header.typ !== typ) fail(`${what} typ ${header.typ}, expected ${typ}`);
      const jwk = jwks.keys.find((k) => k.kid === header.kid);
      if (!jwk) fail(`${what} kid ${header.kid} is not in the JWKS`);
      const signed = verify('sha256', Buffer.from(`${parts[0]}.${parts[1]}`), { key: createPublicKey({ key: jwk, format: 'jwk' }), dsaEncoding: 'ieee-p1363' }, Buffer.from(parts[2], 'base64url'));
      if (!signed) fail(`${what} signature does not verify with the JWKS`);
      if (claims.iss !== flow.issuer) fail(`${what} iss ${claims.iss}`);
      if (claims.sub !== flow.username) fail(`${what} sub ${claims.sub}`);
      if (!(claims.exp > Date.now() / 1000)) fail(`${what} exp ${claims.exp}`);
      return claims;
    };
    const access = verifyJwt(tokens.access_token, 'access token', 'at+jwt');
    if (access.client_id !== flow.clientId) fail(`access token client_id ${access.client_id}`);
    if (!access.aud || !access.jti) fail('access token without aud or jti');
    const id = verifyJwt(tokens.id_token, 'ID token');
    if (!(id.aud === flow.clientId || (Array.isArray(id.aud) && id.aud.includes(flow.clientId)))) fail(`ID token aud ${id.aud}`);
    if (typeof tokens.refresh_token !== 'string' || !tokens.refresh_token) fail('no refresh token');
    return `${session ? 'after one sign-in, ' : ''}${requests} requests; access token aud ${access.aud} scope "${access.scope ?? ''}"; ID token claims ${Object.keys(id).sort().join(',')}; refresh token`;
  } finally {
    browser.close();
  }
}

/**
 * `users` virtual users loop the flow; flows that end inside the window
 * [leadIn, leadIn + duration] count (the others warm up or drain). The server's CPU and memory
 * are sampled over the same window.
 */
export async function driveFlows(server, flow, { users, leadInSeconds, durationSeconds, transport, session = false }) {
  const browsers = Array.from({ length: users }, () => new Browser(transport));
  // Session flows: each virtual user signs in once, before anything is measured.
  if (session) await Promise.all(browsers.map((browser) => authorizationCodeFlow(browser, flow)));
  const sampler = serverSampler(server);
  const begin = performance.now();
  const windowStart = begin + leadInSeconds * 1000;
  const windowEnd = windowStart + durationSeconds * 1000;
  const startTimer = setTimeout(() => sampler.start(), Math.max(0, windowStart - performance.now()));
  let sampled;
  const endTimer = setTimeout(() => { sampled = sampler.stop(); }, windowEnd - performance.now());

  const latencies = [];
  const browserMs = [];
  const tokenMs = [];
  const failures = {};
  let requests = 0;
  const inWindow = (t) => t >= windowStart && t <= windowEnd;
  await Promise.all(browsers.map(async (browser) => {
    while (performance.now() < windowEnd) {
      const t0 = performance.now();
      try {
        const result = await authorizationCodeFlow(browser, flow, { session });
        const t1 = performance.now();
        if (!inWindow(t1)) continue;
        latencies.push(t1 - t0);
        browserMs.push(result.browserMs);
        tokenMs.push(result.tokenMs);
        requests += result.requests;
      } catch (e) {
        const reason = e instanceof FlowError ? e.reason : `error ${e?.code ?? e?.message ?? e}`;
        if (inWindow(performance.now())) failures[reason] = (failures[reason] ?? 0) + 1;
        await new Promise((resolve) => setTimeout(resolve, FAILURE_PAUSE_MS));
      }
    }
  }));
  clearTimeout(startTimer);
  clearTimeout(endTimer);
  sampled ??= sampler.stop();
  for (const browser of browsers) browser.close();
  const sorted = (values) => values.sort((a, b) => a - b);
  const seconds = (windowEnd - windowStart) / 1000;
  return {
    perSecond: latencies.length / seconds,
    ok: latencies.length,
    failures: Object.values(failures).reduce((n, c) => n + c, 0),
    failureReasons: failures,
    durationSeconds: seconds,
    requestsPerFlow: latencies.length ? requests / latencies.length : undefined,
    p50Ms: percentile(sorted(latencies), 50),
    p99Ms: percentile(latencies, 99),
    maxMs: latencies.at(-1),
    // where a flow's time goes: until the callback with the code, then the token request
    untilCodeP50Ms: percentile(sorted(browserMs), 50),
    tokenP50Ms: percentile(sorted(tokenMs), 50),
    ...sampled,
  };
}
