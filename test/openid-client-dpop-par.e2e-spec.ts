import * as client from 'openid-client';
import { signInOverHttp } from './support/browser-flow.js';
import { jwtClaims, thumbprint } from './support/dpop.js';
import { ALICE_PASSWORD, baseConfig, startListeningTestApp } from './support/test-app.js';
import type { ListeningTestApp } from './support/test-app.js';

/** What openid-client sent to the server, to show the DPoP and PAR requests it made. */
interface Sent {
  url: string;
  method: string;
  dpop: string | undefined;
  authorization: string | undefined;
}

const WEB_CALLBACK = 'https://rp.test/callback';
const SPA_CALLBACK = 'http://127.0.0.1:53682/callback';

/**
 * DPoP and PAR the way an application does them with openid-client v6: a DPoP key pair and
 * `getDPoPHandle`, `buildAuthorizationUrlWithPAR`, the code exchange, refresh, UserInfo and
 * client credentials with the handle — and, with server nonces on, the library's own retry on
 * `use_dpop_nonce`.
 */
describe.each([
  ['without server nonces', {}],
  ['with server nonces (token.dpop-nonce)', { 'dpop-nonce': true }],
])('openid-client v6: DPoP and PAR %s', (_label, token) => {
  let t: ListeningTestApp;
  let sent: Sent[];

  beforeAll(async () => {
    t = await startListeningTestApp((root) => baseConfig({
      urls: { root },
      token,
      clients: {
        'web-app': { secret: 'web-secret', 'allowed-redirect-uris': [WEB_CALLBACK], 'require-pushed-authorization-requests': true },
        spa: { public: true, 'allowed-redirect-uris': ['http://127.0.0.1/callback'], 'dpop-bound-access-tokens': true },
        svc: { secret: 'svc-secret', 'allowed-grant-types': ['client_credentials'] },
      },
    }));
  });
  afterAll(async () => t.close());
  beforeEach(() => { sent = []; });

  async function discover(clientId: string, secret: string | undefined, auth: client.ClientAuth): Promise<client.Configuration> {
    const config = await client.discovery(new URL(t.root), clientId, secret, auth, { execute: [client.allowInsecureRequests] });
    config[client.customFetch] = async (url, options) => {
      const headers = new Headers(options.headers);
      sent.push({ url, method: options.method, dpop: headers.get('dpop') ?? undefined, authorization: headers.get('authorization') ?? undefined });
      return fetch(url, options);
    };
    return config;
  }

  /** PAR + sign-in + code exchange with DPoP, as an application would write it. */
  async function signInWithPar(config: client.Configuration, redirectUri: string, dpop: client.DPoPHandle) {
    const verifier = client.randomPKCECodeVerifier();
    const state = client.randomState();
    const url = await client.buildAuthorizationUrlWithPAR(config, {
      redirect_uri: redirectUri, scope: 'openid profile', state,
      code_challenge: await client.calculatePKCECodeChallenge(verifier), code_challenge_method: 'S256',
    }, { DPoP: dpop });
    expect([...url.searchParams.keys()].sort()).toEqual(['client_id', 'request_uri']);
    const callback = await signInOverHttp(url, 'alice', ALICE_PASSWORD);
    return client.authorizationCodeGrant(config, callback, { pkceCodeVerifier: verifier, expectedState: state }, undefined, { DPoP: dpop });
  }

  it('discovers the PAR endpoint and the DPoP algorithms', async () => {
    const metadata = (await discover('web-app', 'web-secret', client.ClientSecretBasic('web-secret'))).serverMetadata();
    expect(metadata.pushed_authorization_request_endpoint).toBe(`${t.root}/api/oauth2/par`);
    expect(metadata.dpop_signing_alg_values_supported).toContain('ES256');
  });

  it('a confidential client: PAR, code exchange, UserInfo and refresh, all DPoP-bound', async () => {
    const config = await discover('web-app', 'web-secret', client.ClientSecretBasic('web-secret'));
    const keyPair = await client.randomDPoPKeyPair('ES256');
    const dpop = client.getDPoPHandle(config, keyPair);
    const jkt = thumbprint(await crypto.subtle.exportKey('jwk', keyPair.publicKey) as Record<string, string>);

    const tokens = await signInWithPar(config, WEB_CALLBACK, dpop);
    expect(tokens.token_type).toBe('dpop');
    expect(jwtClaims(tokens.access_token).cnf).toEqual({ jkt });
    const pushes = sent.filter((s) => s.url === `${t.root}/api/oauth2/par`);
    // With nonces, the first push is answered use_dpop_nonce and the library sends it again with the nonce.
    expect(pushes).toHaveLength('dpop-nonce' in token ? 2 : 1);
    expect(pushes.every((s) => s.dpop !== undefined && s.authorization?.startsWith('Basic '))).toBe(true);

    const info = await client.fetchUserInfo(config, tokens.access_token, 'alice', { DPoP: dpop });
    expect(info).toEqual({ sub: 'alice', name: 'Alice Example' });
    const userinfoRequest = sent.filter((s) => s.url === `${t.root}/api/openid/userinfo`).at(-1)!;
    expect(userinfoRequest.authorization).toMatch(/^DPoP /);

    const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token!, undefined, { DPoP: dpop });
    expect(refreshed.token_type).toBe('dpop');
    expect(jwtClaims(refreshed.access_token).cnf).toEqual({ jkt });
    expect((await client.fetchUserInfo(config, refreshed.access_token, 'alice', { DPoP: dpop })).sub).toBe('alice');
  });

  it('a public client with dpop-bound-access-tokens and an Ed25519 key: refresh bound to the key', async () => {
    const config = await discover('spa', undefined, client.None());
    const keyPair = await client.randomDPoPKeyPair('Ed25519');
    const dpop = client.getDPoPHandle(config, keyPair);
    const tokens = await signInWithPar(config, SPA_CALLBACK, dpop);
    expect(tokens.token_type).toBe('dpop');

    // Another key cannot refresh the public client's token; its own key can.
    const thief = client.getDPoPHandle(config, await client.randomDPoPKeyPair('ES256'));
    await expect(client.refreshTokenGrant(config, tokens.refresh_token!, undefined, { DPoP: thief })).rejects.toMatchObject({ error: 'invalid_grant' });
    const refreshed = await client.refreshTokenGrant(config, tokens.refresh_token!, undefined, { DPoP: dpop });
    expect(refreshed.token_type).toBe('dpop');

    // Without DPoP at all, this client gets no token.
    const url = await client.buildAuthorizationUrlWithPAR(config, {
      redirect_uri: SPA_CALLBACK, scope: 'openid', state: client.randomState(),
      code_challenge: await client.calculatePKCECodeChallenge(client.randomPKCECodeVerifier()), code_challenge_method: 'S256',
    });
    const callback = await signInOverHttp(url, 'alice', ALICE_PASSWORD);
    await expect(client.authorizationCodeGrant(config, callback, { pkceCodeVerifier: client.randomPKCECodeVerifier(), expectedState: client.skipStateCheck }))
      .rejects.toMatchObject({ error: 'invalid_dpop_proof' });
  });

  it('a service account: client credentials with a DPoP proof', async () => {
    const config = await discover('svc', 'svc-secret', client.ClientSecretBasic('svc-secret'));
    const dpop = client.getDPoPHandle(config, await client.randomDPoPKeyPair('PS256'));
    const tokens = await client.clientCredentialsGrant(config, undefined, { DPoP: dpop });
    expect(tokens.token_type).toBe('dpop');
    expect(jwtClaims(tokens.access_token).cnf).toEqual({ jkt: expect.any(String) });
  });
});
