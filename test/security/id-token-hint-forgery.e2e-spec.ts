// Risk: a forged id_token_hint — one signed by a key that is not one of this server's ID-token
// keys (a foreign key under our kid, an access-token key, alg none), issued by another issuer
// or to no registered client — used to sign a victim out at once without confirmation, or to
// steer a silent sign-in. OIDC Core §3.1.2.1 (id_token_hint), RP-Initiated Logout 1.0 §2 and
// §6; RFC 8725 §2.1 and §3.1 (verify the algorithm and the key); SPEC §6.
import { SignJWT, importPKCS8 } from 'jose';
import { TokenSigner } from '../../src/keys/token-signer.js';
import { NoScriptBrowser } from '../support/no-script-browser.js';
import { ALICE_PASSWORD, TEST_ROOT, TestApp, baseConfig, startTestApp } from '../support/test-app.js';
import { generateTestKey } from '../support/test-keys.js';
import { WEB_APP, WEB_APP_CALLBACK, exchangeCode } from '../support/token-endpoint.js';

const web = { client_id: 'web-app', redirect_uri: WEB_APP_CALLBACK };
const spa = { client_id: 'spa', redirect_uri: 'http://127.0.0.1/callback' };
const LOGOUT = '/api/openid/logout';
const ours = { at: generateTestKey('ES256'), it: generateTestKey('ES256') };

describe('security: forged id_token_hint', () => {
  let t: TestApp;
  let browser: NoScriptBrowser;
  let genuine: { idToken: string; accessToken: string };
  const now = Math.floor(Date.now() / 1000);
  const claims = { iss: TEST_ROOT, sub: 'alice', aud: 'web-app', iat: now, exp: now + 600, auth_time: now };

  beforeAll(async () => {
    t = await startTestApp(baseConfig({
      keys: { 'access-token': [{ id: 'at-1', 'private-key': ours.at.pem }], 'id-token': [{ id: 'it-1', 'private-key': ours.it.pem }] },
    }));
    browser = new NoScriptBrowser(t);
    const tokens = (await exchangeCode(t, await browser.signInTo({ ...web, scope: 'openid' }, 'alice', ALICE_PASSWORD), WEB_APP)).body;
    genuine = { idToken: tokens.id_token, accessToken: tokens.access_token };
  });
  afterAll(async () => t.close());

  async function sign(pem: string, kid: string, body: Record<string, unknown> = claims, typ = 'JWT'): Promise<string> {
    return new SignJWT(body).setProtectedHeader({ alg: 'ES256', kid, typ }).sign(await importPKCS8(pem, 'ES256'));
  }

  async function forgeries(): Promise<[string, string][]> {
    const signer = t.app.get(TokenSigner, { strict: false });
    const [h, p] = genuine.idToken.split('.');
    return [
      ['a foreign key under our ID-token kid', await sign(generateTestKey('ES256').pem, 'it-1')],
      ['our access-token key', await sign(ours.at.pem, 'at-1')],
      ['an access token of ours', genuine.accessToken],
      ['alg none', `${Buffer.from(JSON.stringify({ alg: 'none', typ: 'JWT', kid: 'it-1' })).toString('base64url')}.${p}.`],
      ['our header and claims with no signature', `${h}.${p}.`],
      ['our ID-token key, another issuer', await signer.sign('id-token', { ...claims, iss: 'https://other.test' }, 'JWT')],
      ['our ID-token key, a client that is not registered', await signer.sign('id-token', { ...claims, aud: 'ghost' }, 'JWT')],
      ['our ID-token key, no sub', await signer.sign('id-token', { ...claims, sub: undefined }, 'JWT')],
    ];
  }

  it('refuses each as an error page at logout, without ending the session or redirecting', async () => {
    for (const [what, hint] of await forgeries()) {
      const res = await browser.get(`${LOGOUT}?${new URLSearchParams({ id_token_hint: hint, post_logout_redirect_uri: 'https://app.test/bye' })}`);
      expect([what, res.status]).toEqual([what, 400]);
      expect(res.headers.location).toBeUndefined();
      expect(res.text).toContain('not a valid ID token of this server');
    }
    expect((await browser.authorize(spa)).kind).toBe('redirect');
  });

  it('never lets one steer a silent sign-in: login_required with prompt=none, the form otherwise', async () => {
    for (const [what, hint] of await forgeries()) {
      const none = await browser.authorize({ ...spa, id_token_hint: hint, prompt: 'none', state: 'st' });
      expect([what, none.kind === 'redirect' && none.location.searchParams.get('error')]).toEqual([what, 'login_required']);
      expect([what, (await browser.authorize({ ...spa, id_token_hint: hint })).kind]).toEqual([what, 'form']);
    }
  });

  it('accepts the genuine ID token, as the control', async () => {
    expect((await browser.silentCode({ ...spa, id_token_hint: genuine.idToken, prompt: 'none' })).code).toBeTruthy();
    const res = await browser.get(`${LOGOUT}?${new URLSearchParams({ id_token_hint: genuine.idToken })}`);
    expect(res.status).toBe(200);
    expect(res.text).toContain('You are signed out');
  });
});
