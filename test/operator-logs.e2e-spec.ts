import { obtainCode, openAuthorize, parseSignInForm, pkcePair, submitSignIn } from './support/browser-flow.js';
import { ALICE_PASSWORD, TestApp, baseConfig, startTestApp } from './support/test-app.js';
import { WEB_APP, WEB_APP_CALLBACK, exchangeCode, refresh } from './support/token-endpoint.js';

/**
 * Logs an operator can use: request lines carry the client and name the outcome as `/metrics`
 * does; code replay and refresh-token reuse are security events at `warn` naming the client and
 * the grant/family, never the token.
 */
describe('operator logs', () => {
  let t: TestApp;
  beforeAll(async () => { t = await startTestApp(baseConfig()); });
  afterAll(async () => t.close());

  const lines = () => t.logs.map((line) => JSON.parse(line) as Record<string, unknown>);
  const requestLines = (path: string) => lines().filter((l) => l.msg === 'request' && l.path === path);

  async function openForm() {
    const page = await openAuthorize(t, {
      response_type: 'code', client_id: 'web-app', redirect_uri: WEB_APP_CALLBACK, state: 's', code_challenge: pkcePair().challenge, code_challenge_method: 'S256',
    });
    return parseSignInForm(page.text, page.headers['set-cookie']);
  }

  it('names sign-in outcomes as the metrics do, with the client id, on authorize and sign-in lines', async () => {
    await submitSignIn(t, await openForm(), 'alice', 'wrong-password');
    await submitSignIn(t, await openForm(), 'alice', ALICE_PASSWORD);
    const signIns = requestLines('/api/oauth2/sign-in');
    expect(signIns.map((l) => [l.outcome, l.clientId])).toEqual(expect.arrayContaining([['wrong_credentials', 'web-app'], ['success', 'web-app']]));
    expect(requestLines('/api/oauth2/authorize').every((l) => l.clientId === 'web-app')).toBe(true);
  });

  it('logs a code replay as a security event at warn, with client and grant, never the code', async () => {
    const result = await obtainCode(t, { client_id: 'web-app', redirect_uri: WEB_APP_CALLBACK, scope: 'openid' });
    expect((await exchangeCode(t, result, WEB_APP)).status).toBe(200);
    expect((await exchangeCode(t, result, WEB_APP)).status).toBe(400);
    const event = lines().find((l) => l.event === 'authorization_code_replay');
    expect(event).toMatchObject({ level: 'warn', clientId: 'web-app', grantId: expect.any(String) });
    expect(t.logs.join('\n')).not.toContain(result.code);
  });

  it('logs refresh-token reuse as a security event at warn, with client, family and grant, never the token', async () => {
    const result = await obtainCode(t, { client_id: 'web-app', redirect_uri: WEB_APP_CALLBACK, scope: 'openid' });
    const tokens = (await exchangeCode(t, result, WEB_APP)).body;
    expect((await refresh(t, tokens.refresh_token, WEB_APP)).status).toBe(200);
    expect((await refresh(t, tokens.refresh_token, WEB_APP)).status).toBe(400);
    const event = lines().find((l) => l.event === 'refresh_token_reuse');
    expect(event).toMatchObject({ level: 'warn', clientId: 'web-app', familyId: expect.any(String), grantId: expect.any(String) });
    expect(t.logs.join('\n')).not.toContain(tokens.refresh_token);
    expect(t.logs.join('\n')).not.toContain(tokens.refresh_token.split('.')[1]);
  });
});
