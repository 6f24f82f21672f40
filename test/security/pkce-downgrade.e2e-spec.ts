// Risk: PKCE downgrade — an attacker strips PKCE or falls back to `plain` so that a stolen code
// can be redeemed without the client's secret verifier.
// RFC 9700 §2.1.1 and §4.8.2 (PKCE downgrade attack); RFC 7636 §4.2, §4.4.1 and §7.2; OAuth 2.1 §4.1.1.
import request from 'supertest';
import { createHash } from 'node:crypto';
import { obtainCode, openAuthorize, pkcePair } from '../support/browser-flow.js';
import { TestApp, baseConfig, startTestApp } from '../support/test-app.js';
import { SPA, SPA_CALLBACK, WEB_APP, WEB_APP_CALLBACK, exchangeCode } from '../support/token-endpoint.js';

describe('security: PKCE downgrade', () => {
  let t: TestApp;
  beforeAll(async () => { t = await startTestApp(baseConfig()); });
  afterAll(async () => t.close());

  function authorize(overrides: Record<string, string | undefined>): Promise<request.Response> {
    return openAuthorize(t, {
      response_type: 'code', client_id: 'web-app', redirect_uri: WEB_APP_CALLBACK, state: 's', scope: 'openid',
      code_challenge: pkcePair().challenge, code_challenge_method: 'S256', ...overrides,
    });
  }

  function expectRefused(res: request.Response): void {
    expect(res.status).toBe(302);
    const location = new URL(String(res.headers.location));
    expect(location.searchParams.get('error')).toBe('invalid_request');
    expect(location.searchParams.get('code')).toBeNull();
    expect(res.headers['set-cookie']).toBeUndefined();
  }

  describe('at the authorization endpoint (no sign-in form, so no code, without S256)', () => {
    it('refuses code_challenge_method=plain, for confidential and public clients', async () => {
      const verifier = pkcePair().verifier;
      expectRefused(await authorize({ code_challenge: verifier, code_challenge_method: 'plain' }));
      expectRefused(await authorize({ client_id: 'spa', redirect_uri: SPA_CALLBACK, code_challenge: verifier, code_challenge_method: 'plain' }));
    });

    it('refuses a request without code_challenge, for confidential and public clients', async () => {
      expectRefused(await authorize({ code_challenge: undefined, code_challenge_method: undefined }));
      expectRefused(await authorize({ client_id: 'spa', redirect_uri: SPA_CALLBACK, code_challenge: undefined, code_challenge_method: undefined }));
    });

    it('refuses a challenge without method (RFC 7636 would read it as plain)', async () => {
      expectRefused(await authorize({ code_challenge_method: undefined }));
    });

    it('refuses an unknown method', async () => {
      expectRefused(await authorize({ code_challenge_method: 's256' }));
      expectRefused(await authorize({ code_challenge_method: 'S512' }));
    });
  });

  describe('at the token endpoint', () => {
    it('refuses to redeem a code without code_verifier, even with the right client credentials', async () => {
      const result = await obtainCode(t, { client_id: 'web-app', redirect_uri: WEB_APP_CALLBACK, scope: 'openid' });
      const res = await request(t.server).post('/api/oauth2/token').auth('web-app', 'web-secret').type('form')
        .send({ grant_type: 'authorization_code', code: result.code, redirect_uri: WEB_APP_CALLBACK });
      expect(res.status).toBe(400);
      expect(res.body.error).toBe('invalid_request');
      expect(res.body.access_token).toBeUndefined();
    });

    it('refuses an empty code_verifier', async () => {
      const result = await obtainCode(t, { client_id: 'spa', redirect_uri: SPA_CALLBACK, scope: 'openid' });
      const res = await exchangeCode(t, { ...result, verifier: '' }, SPA);
      expect(res.status).toBe(400);
      expect(res.body.access_token).toBeUndefined();
    });

    it('refuses the challenge presented as verifier (the plain transformation)', async () => {
      const result = await obtainCode(t, { client_id: 'spa', redirect_uri: SPA_CALLBACK, scope: 'openid' });
      const challenge = createHash('sha256').update(result.verifier).digest('base64url');
      const res = await exchangeCode(t, { ...result, verifier: challenge }, SPA);
      expect(res.status).toBe(400);
      expect(res.body.error).toBe('invalid_grant');
    });

    it('refuses a stolen code with a verifier of the attacker\'s own', async () => {
      const result = await obtainCode(t, { client_id: 'web-app', redirect_uri: WEB_APP_CALLBACK, scope: 'openid' });
      const res = await exchangeCode(t, { ...result, verifier: pkcePair().verifier }, WEB_APP);
      expect(res.status).toBe(400);
      expect(res.body.error).toBe('invalid_grant');
      expect(res.body.access_token).toBeUndefined();
    });
  });
});
