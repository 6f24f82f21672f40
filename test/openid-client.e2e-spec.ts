import * as client from 'openid-client';
import { createRemoteJWKSet, jwtVerify } from 'jose';
import { signInOverHttp } from './support/browser-flow.js';
import { ALICE_PASSWORD, ListeningTestApp, baseConfig, startListeningTestApp } from './support/test-app.js';

/** What openid-client sent to the token endpoint, to show which client authentication it used. */
interface TokenRequest {
  authorization: string | undefined;
  body: URLSearchParams;
}

/** The id and secret of a Basic header (each form-urlencoded first, RFC 6749 §2.3.1, as openid-client does). */
function basicCredentials(header: string | undefined): string[] | undefined {
  const match = /^Basic (.+)$/.exec(header ?? '');
  return match ? Buffer.from(match[1], 'base64').toString('utf8').split(':').map(decodeURIComponent) : undefined;
}

/**
 * A real relying-party library (openid-client v6) against the running app over loopback HTTP:
 * discovery, a PKCE authorization request, the sign-in as a browser, the code exchange (ID
 * token, nonce, state and RFC 9207 `iss` checked by the library), refresh, and userinfo.
 */
describe('openid-client v6 against the running app', () => {
  let t: ListeningTestApp;
  const WEB_CALLBACK = 'https://rp.test/callback';

  beforeAll(async () => {
    t = await startListeningTestApp((root) => baseConfig({
      urls: { root },
      clients: {
        'web-app': { secret: 'web-secret', 'allowed-redirect-uris': [WEB_CALLBACK] },
        spa: { public: true, 'allowed-redirect-uris': ['http://127.0.0.1/callback'] },
      },
    }));
  });
  afterAll(async () => t.close());

  /** Discovery through the library, recording token-endpoint requests. */
  async function discover(clientId: string, secret: string | undefined, auth: client.ClientAuth): Promise<{ config: client.Configuration; tokenRequests: TokenRequest[] }> {
    const tokenRequests: TokenRequest[] = [];
    const config = await client.discovery(new URL(t.root), clientId, secret, auth, { execute: [client.allowInsecureRequests] });
    config[client.customFetch] = async (url, options) => {
      if (url === `${t.root}/api/oauth2/token`) {
        tokenRequests.push({ authorization: options.headers.authorization, body: new URLSearchParams(String(options.body)) });
      }
      return fetch(url, options);
    };
    return { config, tokenRequests };
  }

  /** Builds the PKCE request with the library, signs alice in, and returns what the callback needs. */
  async function authorize(config: client.Configuration, redirectUri: string, scope: string) {
    const verifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const nonce = client.randomNonce();
    const url = client.buildAuthorizationUrl(config, {
      redirect_uri: redirectUri,
      scope,
      state,
      nonce,
      code_challenge: await client.calculatePKCECodeChallenge(verifier),
      code_challenge_method: 'S256',
    });
    expect(url.origin + url.pathname).toBe(`${t.root}/api/oauth2/authorize`);
    const callback = await signInOverHttp(url, 'alice', ALICE_PASSWORD);
    return { callback, verifier, state, nonce };
  }

  it('discovers the issuer and its endpoints', async () => {
    const { config } = await discover('web-app', 'web-secret', client.ClientSecretBasic('web-secret'));
    const metadata = config.serverMetadata();
    expect(metadata.issuer).toBe(t.root);
    expect(metadata.supportsPKCE()).toBe(true);
    expect(metadata.token_endpoint).toBe(`${t.root}/api/oauth2/token`);
    expect(metadata.authorization_response_iss_parameter_supported).toBe(true);
  });

  it('completes the flow for a confidential client with client_secret_basic', async () => {
    const { config, tokenRequests } = await discover('web-app', 'web-secret', client.ClientSecretBasic('web-secret'));
    const { callback, verifier, state, nonce } = await authorize(config, WEB_CALLBACK, 'openid profile email');
    expect(callback.origin + callback.pathname).toBe(WEB_CALLBACK);
    expect(callback.searchParams.get('iss')).toBe(t.root);

    const tokens = await client.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce, idTokenExpected: true });
    expect(tokenRequests).toHaveLength(1);
    expect(basicCredentials(tokenRequests[0].authorization)).toEqual(['web-app', 'web-secret']);
    expect(tokenRequests[0].body.get('client_secret')).toBeNull();
    expect(tokens.token_type.toLowerCase()).toBe('bearer');
    expect(tokens.scope).toBe('openid profile email');
    expect(tokens.refresh_token).toEqual(expect.any(String));
    const claims = tokens.claims();
    expect(claims).toMatchObject({ iss: t.root, sub: 'alice', aud: 'web-app', nonce, name: 'Alice Example', email: 'alice@example.com' });

    // openid-client trusts the TLS channel for the ID token's signature; check it against the JWKS.
    const jwks = createRemoteJWKSet(new URL(config.serverMetadata().jwks_uri!));
    const verified = await jwtVerify(tokens.id_token!, jwks, { issuer: t.root, audience: 'web-app' });
    expect(verified.payload.sub).toBe('alice');

    const info = await client.fetchUserInfo(config, tokens.access_token, claims!.sub);
    expect(info).toEqual({ sub: 'alice', name: 'Alice Example', email: 'alice@example.com', email_verified: true });

    const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token!);
    expect(basicCredentials(tokenRequests[1].authorization)).toEqual(['web-app', 'web-secret']);
    expect(refreshed.access_token).not.toBe(tokens.access_token);
    expect(refreshed.refresh_token).toEqual(expect.any(String));
    expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);
    const infoAfterRefresh = await client.fetchUserInfo(config, refreshed.access_token, 'alice');
    expect(infoAfterRefresh.sub).toBe('alice');

    // The rotated refresh token is spent: presenting it again is reuse.
    await expect(client.refreshTokenGrant(config, tokens.refresh_token!)).rejects.toMatchObject({ error: 'invalid_grant' });
  });

  it('completes the flow for a public client (no authentication, PKCE only) on a loopback redirect port', async () => {
    const { config, tokenRequests } = await discover('spa', undefined, client.None());
    const redirectUri = 'http://127.0.0.1:53682/callback';
    const { callback, verifier, state, nonce } = await authorize(config, redirectUri, 'openid profile');
    expect(callback.origin + callback.pathname).toBe(redirectUri);

    const tokens = await client.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedState: state, expectedNonce: nonce, idTokenExpected: true });
    expect(tokenRequests[0].authorization).toBeUndefined();
    expect(tokenRequests[0].body.get('client_id')).toBe('spa');
    expect(tokenRequests[0].body.get('code_verifier')).toBe(verifier);
    expect(tokens.claims()).toMatchObject({ iss: t.root, sub: 'alice', aud: 'spa', nonce });

    const info = await client.fetchUserInfo(config, tokens.access_token, 'alice');
    expect(info).toEqual({ sub: 'alice', name: 'Alice Example' });

    const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token!);
    expect(refreshed.refresh_token).toEqual(expect.any(String));
    expect(refreshed.refresh_token).not.toBe(tokens.refresh_token);
    expect((await client.fetchUserInfo(config, refreshed.access_token, 'alice')).sub).toBe('alice');
  });

  it('surfaces the server refusing a wrong PKCE verifier as invalid_grant', async () => {
    const { config } = await discover('spa', undefined, client.None());
    const { callback, state, nonce } = await authorize(config, 'http://127.0.0.1/callback', 'openid');
    await expect(client.authorizationCodeGrant(config, callback, { pkceCodeVerifier: client.randomPKCECodeVerifier(), expectedState: state, expectedNonce: nonce }))
      .rejects.toMatchObject({ error: 'invalid_grant' });
  });
});
