// Risk: a stolen refresh token used in parallel with the legitimate client (token replay).
// RFC 9700 §4.14.2 (refresh token rotation with reuse detection); RFC 6749 §10.4; OAuth 2.1 §4.3.1.
// Whoever presents a rotated token second — attacker or victim — ends the family for both.
import { TestApp, baseConfig, startTestApp } from '../support/test-app.js';
import { SPA, SPA_CALLBACK, WEB_APP, WEB_APP_CALLBACK, introspect, refresh, signInAndExchange } from '../support/token-endpoint.js';
import type { ClientAuth, TokenSet } from '../support/token-endpoint.js';

describe('security: refresh token reuse', () => {
  let t: TestApp;
  beforeAll(async () => { t = await startTestApp(baseConfig()); });
  afterAll(async () => t.close());

  async function isActive(token: string, client: ClientAuth): Promise<boolean> {
    return (await introspect(t, token, client)).body.active === true;
  }

  async function tokens(client: ClientAuth): Promise<TokenSet> {
    return client === SPA
      ? signInAndExchange(t, SPA, SPA_CALLBACK, { scope: 'openid' })
      : signInAndExchange(t, WEB_APP, WEB_APP_CALLBACK, { scope: 'openid' });
  }

  it.each([['a confidential client', WEB_APP], ['a public client', SPA]] as const)(
    'for %s: the attacker refreshes first, the victim\'s later use of the same token ends the attacker\'s tokens', async (_label, client) => {
      const stolen = await tokens(client);
      const attacker = await refresh(t, stolen.refresh_token!, client);
      expect(attacker.status).toBe(200);
      const victim = await refresh(t, stolen.refresh_token!, client);
      expect(victim.status).toBe(400);
      expect(victim.body.error).toBe('invalid_grant');
      expect(await isActive(attacker.body.refresh_token, client)).toBe(false);
      expect(await isActive(attacker.body.access_token, client)).toBe(false);
      expect((await refresh(t, attacker.body.refresh_token, client)).status).toBe(400);
    });

  it.each([['a confidential client', WEB_APP], ['a public client', SPA]] as const)(
    'for %s: the victim refreshes first, the attacker\'s use of the old token gets nothing and ends the family', async (_label, client) => {
      const stolen = await tokens(client);
      const victim = await refresh(t, stolen.refresh_token!, client);
      expect(victim.status).toBe(200);
      const attacker = await refresh(t, stolen.refresh_token!, client);
      expect(attacker.status).toBe(400);
      expect(attacker.body.access_token).toBeUndefined();
      expect(await isActive(victim.body.refresh_token, client)).toBe(false);
      expect(await isActive(victim.body.access_token, client)).toBe(false);
      expect(await isActive(stolen.access_token, client)).toBe(false);
    });

  it('keeps the family dead: a later reuse attempt with any of its tokens fails', async () => {
    const first = await tokens(WEB_APP);
    const second = await refresh(t, first.refresh_token!, WEB_APP);
    expect((await refresh(t, first.refresh_token!, WEB_APP)).status).toBe(400);
    for (const token of [first.refresh_token!, second.body.refresh_token]) {
      expect((await refresh(t, token, WEB_APP)).status).toBe(400);
    }
  });
});
