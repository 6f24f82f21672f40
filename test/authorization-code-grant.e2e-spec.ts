import { createHash } from 'node:crypto';
import request from 'supertest';
import { obtainCode, pkcePair } from './support/browser-flow.js';
import type { CodeResult } from './support/browser-flow.js';
import { TEST_ROOT, TestApp, baseConfig, startTestApp } from './support/test-app.js';
import {
  ClientAuth, SPA, SPA_CALLBACK, ShiftableClock, WEB_APP, WEB_APP_CALLBACK, WEB_APP_POST, exchangeCode, introspect, memoryStoreOn, refresh,
} from './support/token-endpoint.js';

/**
 * The authorization code grant at POST /api/oauth2/token (SPEC §2 Token endpoint, OAuth 2.1
 * §4.1.3): driven end to end as a browser without JavaScript, then the code exchange.
 */
const OTHER_APP: ClientAuth = { clientId: 'other-app', secret: 'other-secret' };
const NO_REFRESH: ClientAuth = { clientId: 'no-refresh', secret: 'no-refresh-secret' };

function config(overrides: Record<string, unknown> = {}): Record<string, unknown> {
  const base = baseConfig(overrides);
  return {
    ...base,
    clients: {
      ...(base.clients as Record<string, unknown>),
      // Same redirect URI as web-app, so that only the client differs.
      'other-app': { secret: 'other-secret', 'allowed-redirect-uris': [WEB_APP_CALLBACK] },
      'no-refresh': { secret: 'no-refresh-secret', 'allowed-redirect-uris': [WEB_APP_CALLBACK], 'allowed-grant-types': ['authorization_code'] },
    },
  };
}

function webAppCode(t: TestApp, scope = 'openid profile'): Promise<CodeResult> {
  return obtainCode(t, { client_id: 'web-app', redirect_uri: WEB_APP_CALLBACK, scope });
}

function expectTokenError(res: request.Response, error: string): void {
  expect(res.status).toBe(400);
  expect(res.body.error).toBe(error);
  expect(res.body.error_description).toEqual(expect.any(String));
  expect(res.body.access_token).toBeUndefined();
  expect(res.headers['cache-control']).toBe('no-store');
}

async function expectActive(t: TestApp, token: string, client: ClientAuth, active: boolean): Promise<void> {
  const res = await introspect(t, token, client);
  expect(res.status).toBe(200);
  expect(res.body.active).toBe(active);
}

describe('authorization code grant', () => {
  let t: TestApp;
  beforeAll(async () => { t = await startTestApp(config()); });
  afterAll(async () => t.close());

  describe('the whole flow', () => {
    it.each([
      ['client_secret_basic', WEB_APP],
      ['client_secret_post', WEB_APP_POST],
    ])('signs in to a confidential client authenticating with %s', async (_method, client) => {
      const result = await webAppCode(t, 'openid profile email');
      const res = await exchangeCode(t, result, client);
      expect(res.status).toBe(200);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.body).toEqual({
        access_token: expect.any(String), token_type: 'Bearer', expires_in: expect.any(Number), scope: 'openid profile email',
        refresh_token: expect.any(String), id_token: expect.any(String),
      });
      expect(res.body.expires_in).toBeGreaterThan(0);
      const info = await introspect(t, res.body.access_token, WEB_APP);
      expect(info.body).toMatchObject({ active: true, client_id: 'web-app', sub: 'alice', scope: 'openid profile email', iss: TEST_ROOT });
      await expectActive(t, res.body.refresh_token, WEB_APP, true);
    });

    it('signs in to a public client that sends its client_id only', async () => {
      const result = await obtainCode(t, { client_id: 'spa', redirect_uri: SPA_CALLBACK, scope: 'openid' });
      const res = await exchangeCode(t, result, SPA);
      expect(res.status).toBe(200);
      expect(res.body).toMatchObject({ token_type: 'Bearer', scope: 'openid', refresh_token: expect.any(String), id_token: expect.any(String) });
      const info = await introspect(t, res.body.access_token, SPA);
      expect(info.body).toMatchObject({ active: true, client_id: 'spa', sub: 'alice' });
    });

    it('refuses a confidential client with a wrong secret, and the code stays redeemable', async () => {
      const result = await webAppCode(t);
      const wrong = await exchangeCode(t, result, { clientId: 'web-app', secret: 'not-the-secret' });
      expect(wrong.status).toBe(401);
      expect(wrong.body.error).toBe('invalid_client');
      expect((await exchangeCode(t, result, WEB_APP)).status).toBe(200);
    });

    it('issues no refresh token to a client without refresh_token, and refuses that grant to it', async () => {
      const result = await obtainCode(t, { client_id: 'no-refresh', redirect_uri: WEB_APP_CALLBACK, scope: 'openid' });
      const res = await exchangeCode(t, result, NO_REFRESH);
      expect(res.status).toBe(200);
      expect(res.body.refresh_token).toBeUndefined();
      expect(res.body.access_token).toEqual(expect.any(String));
      const attempt = await refresh(t, 'x'.repeat(16) + '.' + 'y'.repeat(43), NO_REFRESH);
      expect(attempt.status).toBe(400);
      expect(attempt.body.error).toBe('unauthorized_client');
    });
  });

  describe('single use', () => {
    it('refuses a second redemption and revokes the access and refresh tokens of the first', async () => {
      const result = await webAppCode(t);
      const first = await exchangeCode(t, result, WEB_APP);
      expect(first.status).toBe(200);
      await expectActive(t, first.body.access_token, WEB_APP, true);

      expectTokenError(await exchangeCode(t, result, WEB_APP), 'invalid_grant');

      await expectActive(t, first.body.access_token, WEB_APP, false);
      await expectActive(t, first.body.refresh_token, WEB_APP, false);
      expectTokenError(await refresh(t, first.body.refresh_token, WEB_APP), 'invalid_grant');
      const info = await request(t.server).get('/api/openid/userinfo').set('authorization', `Bearer ${first.body.access_token}`);
      expect(info.status).toBe(401);
    });

    it('revokes the access token of the first redemption for a client without refresh tokens too', async () => {
      const result = await obtainCode(t, { client_id: 'no-refresh', redirect_uri: WEB_APP_CALLBACK, scope: 'openid' });
      const first = await exchangeCode(t, result, NO_REFRESH);
      expect(first.status).toBe(200);
      expectTokenError(await exchangeCode(t, result, NO_REFRESH), 'invalid_grant');
      await expectActive(t, first.body.access_token, NO_REFRESH, false);
    });

    it('refuses an unknown code', async () => {
      const result = await webAppCode(t);
      expectTokenError(await exchangeCode(t, { ...result, code: 'A'.repeat(43) }, WEB_APP), 'invalid_grant');
    });
  });

  describe('PKCE', () => {
    it('refuses a code_verifier that does not match the challenge', async () => {
      const result = await webAppCode(t);
      expectTokenError(await exchangeCode(t, { ...result, verifier: pkcePair().verifier }, WEB_APP), 'invalid_grant');
    });

    it('refuses a missing code_verifier', async () => {
      const result = await webAppCode(t);
      const res = await request(t.server).post('/api/oauth2/token').auth('web-app', 'web-secret').type('form')
        .send({ grant_type: 'authorization_code', code: result.code, redirect_uri: result.redirectUri });
      expectTokenError(res, 'invalid_request');
    });

    it.each([
      ['42 characters', 'a'.repeat(42)],
      ['129 characters', 'a'.repeat(129)],
      ['characters outside [A-Za-z0-9._~-]', `${'a'.repeat(42)}+`],
    ])('refuses a malformed code_verifier (%s)', async (_label, verifier) => {
      const result = await webAppCode(t);
      expectTokenError(await exchangeCode(t, { ...result, verifier }, WEB_APP), 'invalid_request');
    });

    it('refuses the challenge itself sent as verifier (what a plain downgrade would send)', async () => {
      const result = await webAppCode(t);
      const challenge = createHash('sha256').update(result.verifier).digest('base64url');
      expectTokenError(await exchangeCode(t, { ...result, verifier: challenge }, WEB_APP), 'invalid_grant');
    });
  });

  describe('binding to the client and the redirect URI', () => {
    it('refuses a code redeemed by another confidential client', async () => {
      const result = await webAppCode(t);
      expectTokenError(await exchangeCode(t, result, OTHER_APP), 'invalid_grant');
    });

    it('refuses a code redeemed by a public client', async () => {
      const result = await webAppCode(t);
      expectTokenError(await exchangeCode(t, result, SPA, { redirect_uri: WEB_APP_CALLBACK }), 'invalid_grant');
    });

    it.each([
      'https://app.test/callback/',
      'https://app.test/callback?x=1',
      'https://APP.test/callback',
      'https://app.test/other',
    ])('refuses redirect_uri %s that differs from the one of the request', async (redirectUri) => {
      const result = await webAppCode(t);
      expectTokenError(await exchangeCode(t, result, WEB_APP, { redirect_uri: redirectUri }), 'invalid_grant');
    });

    it('refuses a missing redirect_uri', async () => {
      const result = await webAppCode(t);
      const res = await request(t.server).post('/api/oauth2/token').auth('web-app', 'web-secret').type('form')
        .send({ grant_type: 'authorization_code', code: result.code, code_verifier: result.verifier });
      expectTokenError(res, 'invalid_request');
    });

    it('requires the loopback port that was used at the authorization endpoint', async () => {
      const result = await obtainCode(t, { client_id: 'spa', redirect_uri: 'http://127.0.0.1:50000/callback', scope: 'openid' });
      expectTokenError(await exchangeCode(t, result, SPA, { redirect_uri: 'http://127.0.0.1:50001/callback' }), 'invalid_grant');
    });
  });

  describe('lifespan (token.authorization-code.lifespan)', () => {
    let clocked: TestApp;
    const clock = new ShiftableClock();
    beforeAll(async () => {
      clocked = await startTestApp(config({ token: { 'authorization-code': { lifespan: '1s' } } }), { extensions: [memoryStoreOn(clock)] });
    });
    afterAll(async () => clocked.close());

    it('accepts a code within its lifespan', async () => {
      const result = await webAppCode(clocked);
      clock.advance(500);
      expect((await exchangeCode(clocked, result, WEB_APP)).status).toBe(200);
    });

    it('refuses a code once its lifespan has passed', async () => {
      const result = await webAppCode(clocked);
      clock.advance(1_500);
      expectTokenError(await exchangeCode(clocked, result, WEB_APP), 'invalid_grant');
    });
  });
});
