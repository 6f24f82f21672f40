import { decodeJwt } from 'jose';
import request from 'supertest';
import { TestApp, baseConfig, startTestApp } from './support/test-app.js';
import {
  ClientAuth, SPA, SPA_CALLBACK, ShiftableClock, TokenSet, WEB_APP, WEB_APP_CALLBACK, introspect, memoryStoreOn, refresh, signInAndExchange,
} from './support/token-endpoint.js';

/**
 * The refresh token grant (SPEC §2 Token endpoint, OAuth 2.1 §4.3, RFC 9700 §4.14.2): rotation on
 * every use for every client, reuse detection revoking the family, the optional reuse grace, and
 * scope narrowing only.
 */
const OTHER_APP: ClientAuth = { clientId: 'other-app', secret: 'other-secret' };

function config(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const base = baseConfig(overrides);
  return {
    ...base,
    clients: { ...(base.clients as Record<string, unknown>), 'other-app': { secret: 'other-secret', 'allowed-redirect-uris': ['https://other.test/cb'] } },
  };
}

function expectInvalidGrant(res: request.Response, error = 'invalid_grant'): void {
  expect(res.status).toBe(400);
  expect(res.body.error).toBe(error);
  expect(res.body.access_token).toBeUndefined();
  expect(res.body.refresh_token).toBeUndefined();
}

async function isActive(t: TestApp, token: string, client: ClientAuth = WEB_APP): Promise<boolean> {
  const res = await introspect(t, token, client);
  expect(res.status).toBe(200);
  return res.body.active === true;
}

async function refreshed(t: TestApp, token: string, client: ClientAuth = WEB_APP, extra: Record<string, string> = {}): Promise<TokenSet> {
  const res = await refresh(t, token, client, extra);
  expect(res.status).toBe(200);
  expect(res.headers['cache-control']).toBe('no-store');
  return res.body as TokenSet;
}

describe('refresh token grant', () => {
  let t: TestApp;
  beforeAll(async () => { t = await startTestApp(config()); });
  afterAll(async () => t.close());

  function webAppTokens(scope = 'openid profile email'): Promise<TokenSet> {
    return signInAndExchange(t, WEB_APP, WEB_APP_CALLBACK, { scope });
  }

  it('rotates: every use returns a new refresh token and ends the old one', async () => {
    const first = await webAppTokens();
    const second = await refreshed(t, first.refresh_token!);
    const third = await refreshed(t, second.refresh_token!);
    const tokens = [first.refresh_token, second.refresh_token, third.refresh_token];
    expect(new Set(tokens).size).toBe(3);
    expect(await isActive(t, first.refresh_token!)).toBe(false);
    expect(await isActive(t, second.refresh_token!)).toBe(false);
    expect(await isActive(t, third.refresh_token!)).toBe(true);
    expect(await isActive(t, third.access_token)).toBe(true);
    expect(third).toMatchObject({ token_type: 'Bearer', scope: 'openid profile email', id_token: expect.any(String) });
  });

  it('keeps auth_time and the subject across refreshes', async () => {
    const first = await webAppTokens();
    const next = await refreshed(t, first.refresh_token!);
    const original = decodeJwt(first.id_token!);
    const renewed = decodeJwt(next.id_token!);
    expect(renewed.sub).toBe('alice');
    expect(renewed.auth_time).toBe(original.auth_time);
    expect(decodeJwt(next.access_token).sub).toBe('alice');
  });

  it('detects reuse of a rotated token and revokes the whole family', async () => {
    const first = await webAppTokens();
    const second = await refreshed(t, first.refresh_token!);
    expectInvalidGrant(await refresh(t, first.refresh_token!, WEB_APP));
    // The current token of the family is dead too, and every access token of the family.
    expectInvalidGrant(await refresh(t, second.refresh_token!, WEB_APP));
    expect(await isActive(t, second.refresh_token!)).toBe(false);
    expect(await isActive(t, first.access_token)).toBe(false);
    expect(await isActive(t, second.access_token)).toBe(false);
  });

  it('does not touch another family when one is revoked', async () => {
    const victim = await webAppTokens();
    const bystander = await webAppTokens();
    await refreshed(t, victim.refresh_token!);
    expectInvalidGrant(await refresh(t, victim.refresh_token!, WEB_APP));
    expect(await isActive(t, bystander.access_token)).toBe(true);
    expect((await refresh(t, bystander.refresh_token!, WEB_APP)).status).toBe(200);
  });

  it('narrows the scope on request, and falls back to the granted scope when none is sent', async () => {
    const first = await webAppTokens('openid profile email');
    const narrowed = await refreshed(t, first.refresh_token!, WEB_APP, { scope: 'openid' });
    expect(narrowed.scope).toBe('openid');
    expect(decodeJwt(narrowed.access_token).scope).toBe('openid');
    const info = await request(t.server).get('/api/openid/userinfo').set('authorization', `Bearer ${narrowed.access_token}`);
    expect(info.body).toEqual({ sub: 'alice' });
    const back = await refreshed(t, narrowed.refresh_token!);
    expect(back.scope).toBe('openid profile email');
  });

  it('refuses to widen the scope with invalid_scope, and the token stays usable', async () => {
    const first = await webAppTokens('openid profile');
    expectInvalidGrant(await refresh(t, first.refresh_token!, WEB_APP, { scope: 'openid profile email' }), 'invalid_scope');
    expectInvalidGrant(await refresh(t, first.refresh_token!, WEB_APP, { scope: 'openid no-such-scope' }), 'invalid_scope');
    expect((await refresh(t, first.refresh_token!, WEB_APP)).status).toBe(200);
  });

  it('refuses another client\'s refresh token without killing the family', async () => {
    const first = await webAppTokens();
    expectInvalidGrant(await refresh(t, first.refresh_token!, OTHER_APP));
    expectInvalidGrant(await refresh(t, first.refresh_token!, SPA));
    expect(await isActive(t, first.access_token)).toBe(true);
    expect((await refresh(t, first.refresh_token!, WEB_APP)).status).toBe(200);
  });

  it.each([
    ['garbage', 'not-a-refresh-token'],
    ['an unknown family', `${'A'.repeat(22)}.${'B'.repeat(43)}`],
  ])('refuses %s', async (_label, token) => {
    expectInvalidGrant(await refresh(t, token, WEB_APP));
  });

  it('refuses an access token presented as refresh token', async () => {
    const first = await webAppTokens();
    expectInvalidGrant(await refresh(t, first.access_token, WEB_APP));
  });

  it('requires the refresh_token parameter', async () => {
    const res = await request(t.server).post('/api/oauth2/token').auth('web-app', 'web-secret').type('form').send({ grant_type: 'refresh_token' });
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_request');
  });

  it('rotates the tokens of a public client, which sends its client_id only', async () => {
    const first = await signInAndExchange(t, SPA, SPA_CALLBACK, { scope: 'openid' });
    const second = await refreshed(t, first.refresh_token!, SPA);
    expect(second.refresh_token).not.toBe(first.refresh_token);
    expect(await isActive(t, first.refresh_token!, SPA)).toBe(false);
    expectInvalidGrant(await refresh(t, first.refresh_token!, SPA));
    expectInvalidGrant(await refresh(t, second.refresh_token!, SPA));
  });

  it('never leaves two live tokens after ten concurrent refreshes of one token', async () => {
    const first = await webAppTokens();
    const answers = await Promise.all(Array.from({ length: 10 }, () => refresh(t, first.refresh_token!, WEB_APP)));
    const winners = answers.filter((res) => res.status === 200);
    expect(winners.length).toBeLessThanOrEqual(1);
    for (const res of answers.filter((r) => r.status !== 200)) expect(res.body.error).toBe('invalid_grant');
    const issued = winners.map((res) => res.body.refresh_token as string);
    const active = await Promise.all(issued.map((token) => isActive(t, token)));
    expect(active.filter(Boolean).length).toBeLessThanOrEqual(1);
    const reuses = [];
    for (const token of issued) reuses.push((await refresh(t, token, WEB_APP)).status);
    expect(reuses.filter((status) => status === 200).length).toBeLessThanOrEqual(1);
  });

  describe('lifespan (token.refresh-token.lifespan)', () => {
    let clocked: TestApp;
    const clock = new ShiftableClock();
    beforeAll(async () => {
      clocked = await startTestApp(config({ token: { 'refresh-token': { lifespan: '1h' } } }), { extensions: [memoryStoreOn(clock)] });
    });
    afterAll(async () => clocked.close());

    it('refuses a refresh token once its lifespan has passed without use', async () => {
      const tokens = await signInAndExchange(clocked, WEB_APP, WEB_APP_CALLBACK, { scope: 'openid' });
      clock.advance(30 * 60_000);
      expect(await isActive(clocked, tokens.refresh_token!)).toBe(true);
      clock.advance(31 * 60_000);
      expectInvalidGrant(await refresh(clocked, tokens.refresh_token!, WEB_APP));
    });
  });

  describe('with token.refresh-token.reuse-grace: 2s', () => {
    let graced: TestApp;
    beforeAll(async () => { graced = await startTestApp(config({ token: { 'refresh-token': { 'reuse-grace': '2s' } } })); });
    afterAll(async () => graced.close());

    function tokens(): Promise<TokenSet> {
      return signInAndExchange(graced, WEB_APP, WEB_APP_CALLBACK, { scope: 'openid' });
    }

    it('accepts the previous token within the grace, keeping one live token at a time', async () => {
      const first = await tokens();
      const second = await refreshed(graced, first.refresh_token!);
      const fromOldTab = await refreshed(graced, first.refresh_token!);
      expect(fromOldTab.refresh_token).not.toBe(second.refresh_token);
      expect(await isActive(graced, fromOldTab.refresh_token!)).toBe(true);
      expect(await isActive(graced, second.refresh_token!)).toBe(false);
      expect((await refresh(graced, fromOldTab.refresh_token!, WEB_APP)).status).toBe(200);
    });

    it('treats the previous token as reuse once the grace has passed', async () => {
      const first = await tokens();
      const second = await refreshed(graced, first.refresh_token!);
      await new Promise((resolve) => setTimeout(resolve, 2_300));
      expectInvalidGrant(await refresh(graced, first.refresh_token!, WEB_APP));
      expectInvalidGrant(await refresh(graced, second.refresh_token!, WEB_APP));
      expect(await isActive(graced, second.access_token)).toBe(false);
    });

    it('never leaves two live tokens after ten concurrent refreshes of one token', async () => {
      const first = await tokens();
      const answers = await Promise.all(Array.from({ length: 10 }, () => refresh(graced, first.refresh_token!, WEB_APP)));
      const issued = answers.filter((res) => res.status === 200).map((res) => res.body.refresh_token as string);
      expect(issued.length).toBeGreaterThanOrEqual(1);
      const active = await Promise.all(issued.map((token) => isActive(graced, token)));
      expect(active.filter(Boolean)).toHaveLength(1);
    });
  });
});
