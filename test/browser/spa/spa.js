// A single-page application as a team would write it: a public client doing the authorization
// code flow with PKCE through oauth4webapi, every call a cross-origin fetch from this page's
// origin to the authorization server (CORS). Served by test/browser/spa-cors.e2e-spec.ts.
import * as oauth from '/oauth4webapi.js';
import { CLIENT_ID, ISSUER } from '/config.js';

const issuer = new URL(ISSUER);
const client = { client_id: CLIENT_ID };
const redirectUri = `${location.origin}/callback`;
/** The test server is plain http on loopback; a real deployment is https and needs no option. */
const insecure = { [oauth.allowInsecureRequests]: true };
const status = document.getElementById('status');

async function discover() {
  return oauth.processDiscoveryResponse(issuer, await oauth.discoveryRequest(issuer, { algorithm: 'oidc', ...insecure }));
}

/** Step 1: PKCE pair, state and nonce kept in this tab, then off to the authorization endpoint. */
async function signIn(as) {
  const pending = { verifier: oauth.generateRandomCodeVerifier(), state: oauth.generateRandomState(), nonce: oauth.generateRandomNonce() };
  sessionStorage.setItem('pending', JSON.stringify(pending));
  const url = new URL(as.authorization_endpoint);
  url.search = new URLSearchParams({
    response_type: 'code', client_id: CLIENT_ID, redirect_uri: redirectUri, scope: 'openid profile email',
    state: pending.state, nonce: pending.nonce, code_challenge: await oauth.calculatePKCECodeChallenge(pending.verifier), code_challenge_method: 'S256',
  }).toString();
  location.assign(url.href);
}

/** The ID token's signature, checked against the JWKS (a cross-origin GET answered with `*`). */
async function verifyIdTokenSignature(as, idToken) {
  const [header, payload, signature] = idToken.split('.');
  const { kid, alg } = JSON.parse(atob(header.replace(/-/g, '+').replace(/_/g, '/')));
  if (alg !== 'ES256') throw new Error(`this SPA verifies ES256 only, not ${alg}`);
  const jwks = await (await fetch(as.jwks_uri)).json();
  const jwk = jwks.keys.find((k) => k.kid === kid);
  if (!jwk) throw new Error(`kid ${kid} is not in the JWKS`);
  const key = await crypto.subtle.importKey('jwk', jwk, { name: 'ECDSA', namedCurve: 'P-256' }, false, ['verify']);
  const bytes = Uint8Array.from(atob(signature.replace(/-/g, '+').replace(/_/g, '/')), (c) => c.charCodeAt(0));
  return crypto.subtle.verify({ name: 'ECDSA', hash: 'SHA-256' }, key, bytes, new TextEncoder().encode(`${header}.${payload}`));
}

/** Step 2, back on the redirect URI: code exchange, UserInfo, refresh, revocation — all cross-origin. */
async function completeSignIn(as) {
  const pending = JSON.parse(sessionStorage.getItem('pending') ?? 'null');
  if (!pending) throw new Error('no sign-in in progress in this tab');
  sessionStorage.removeItem('pending');
  const params = oauth.validateAuthResponse(as, client, new URL(location.href), pending.state);
  const tokens = await oauth.processAuthorizationCodeResponse(as, client,
    await oauth.authorizationCodeGrantRequest(as, client, oauth.None(), params, redirectUri, pending.verifier, insecure),
    { expectedNonce: pending.nonce, requireIdToken: true });
  const idToken = oauth.getValidatedIdTokenClaims(tokens);
  const idTokenSignatureValid = await verifyIdTokenSignature(as, tokens.id_token);
  const userinfo = await oauth.processUserInfoResponse(as, client, idToken.sub,
    await oauth.userInfoRequest(as, client, tokens.access_token, insecure));
  const refreshed = await oauth.processRefreshTokenResponse(as, client,
    await oauth.refreshTokenGrantRequest(as, client, oauth.None(), tokens.refresh_token, insecure));
  await oauth.processRevocationResponse(await oauth.revocationRequest(as, client, oauth.None(), refreshed.refresh_token, insecure));
  let afterRevocation;
  try {
    await oauth.processRefreshTokenResponse(as, client,
      await oauth.refreshTokenGrantRequest(as, client, oauth.None(), refreshed.refresh_token, insecure));
    afterRevocation = 'refreshed';
  } catch (e) {
    afterRevocation = e instanceof oauth.ResponseBodyError ? e.error : `${e.name}: ${e.message}`;
  }
  history.replaceState(null, '', '/'); // the code leaves the address bar
  return {
    idToken: { sub: idToken.sub, aud: idToken.aud, iss: idToken.iss, signatureValid: idTokenSignatureValid },
    userinfo,
    scope: tokens.scope,
    refreshRotated: refreshed.refresh_token !== tokens.refresh_token && refreshed.access_token !== tokens.access_token,
    afterRevocation,
  };
}

/**
 * What this origin can read from the server, given an access token of the client: the metadata,
 * a token endpoint error, UserInfo. `TypeError` is the browser refusing the answer (CORS).
 */
window.probeServer = async (accessToken) => {
  const attempt = async (request) => {
    try {
      return `HTTP ${(await request()).status}`;
    } catch (e) {
      return e.name;
    }
  };
  const metadata = new URL('/.well-known/openid-configuration', issuer);
  const as = await discover().catch(() => undefined);
  return {
    discovery: await attempt(() => fetch(metadata)),
    token: as && await attempt(() => fetch(as.token_endpoint, { method: 'POST', body: new URLSearchParams({ grant_type: 'refresh_token', client_id: CLIENT_ID, refresh_token: 'not-a-refresh-token' }) })),
    userinfo: as && await attempt(() => fetch(as.userinfo_endpoint, { headers: { authorization: `Bearer ${accessToken}` } })),
  };
};

async function main() {
  const as = await discover();
  if (location.pathname === '/callback') {
    status.textContent = 'Completing sign-in…';
    const result = await completeSignIn(as);
    document.getElementById('result').textContent = JSON.stringify(result, null, 2);
    status.textContent = `Signed in as ${result.userinfo.name}`;
    return;
  }
  const button = document.getElementById('sign-in');
  button.addEventListener('click', () => signIn(as).catch(fail));
  button.disabled = false;
  status.textContent = 'Ready';
}

function fail(e) {
  status.textContent = `Failed: ${e.name}: ${e.message}`;
}

main().catch(fail);
