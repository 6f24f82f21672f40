import request from 'supertest';
import { ACCESS_TOKEN_TYPE, TOKEN_EXCHANGE_GRANT } from '../examples/extra-grant/token-exchange.grant.js';
import { TokenExchangeModule } from '../examples/extra-grant/token-exchange.module.js';
import { dpopKey, dpopProof } from './support/dpop.js';
import { expectOAuthError } from './support/oauth-error-expectations.js';
import { claimsOf, fetchJwks, verifyAccessToken } from './support/resource-server.js';
import { TEST_ROOT, TestApp, baseConfig, startTestApp } from './support/test-app.js';

/**
 * Extensibility of the token endpoint: a grant added by a separate Nest module
 * (examples/extra-grant, a minimal RFC 8693 token exchange) is served and advertised, with the
 * endpoint's order of checks, without editing the token controller, and allowed per client in
 * the configuration (`allowed-grant-types`), validated at startup against the loaded modules.
 */
describe('a grant handler added from an extension module', () => {
  const TOKEN = '/api/oauth2/token';
  const exchanging = ['client_credentials', TOKEN_EXCHANGE_GRANT];
  const config = baseConfig({
    scopes: { 'reports:read': {}, 'reports:write': {} },
    clients: {
      spa: { public: true, 'allowed-redirect-uris': ['http://127.0.0.1/callback'] },
      svc: { secret: 'svc-secret', 'allowed-grant-types': ['client_credentials'], 'default-scopes': ['reports:read', 'reports:write'] },
      gateway: { secret: 'gateway-secret', 'allowed-grant-types': exchanging, 'allowed-scopes': ['reports:read', 'reports:write'] },
      narrow: { secret: 'narrow-secret', 'allowed-grant-types': exchanging, 'allowed-scopes': ['reports:read'] },
      'bound-gateway': { secret: 'bound-gateway-secret', 'allowed-grant-types': exchanging, 'allowed-scopes': ['reports:read'], 'dpop-bound-access-tokens': true },
    },
  });

  const subjectToken = async (t: TestApp, scope = 'reports:read reports:write'): Promise<string> => {
    const res = await request(t.server).post(TOKEN).auth('svc', 'svc-secret').type('form').send({ grant_type: 'client_credentials', scope });
    expect(res.status).toBe(200);
    return res.body.access_token as string;
  };
  const exchange = (t: TestApp, client: [string, string], params: Record<string, string>) =>
    request(t.server).post(TOKEN).auth(...client).type('form')
      .send({ grant_type: TOKEN_EXCHANGE_GRANT, subject_token_type: ACCESS_TOKEN_TYPE, ...params });

  describe('with the module', () => {
    let t: TestApp;
    beforeAll(async () => { t = await startTestApp(config, { extensions: [TokenExchangeModule] }); });
    afterAll(async () => t.close());

    it('serves the new grant at the token endpoint', async () => {
      const subject = await subjectToken(t);
      const res = await exchange(t, ['gateway', 'gateway-secret'], { subject_token: subject, scope: 'reports:read' });
      expect(res.status).toBe(200);
      expect(res.headers['cache-control']).toBe('no-store');
      expect(res.body).toEqual({
        access_token: expect.any(String),
        issued_token_type: ACCESS_TOKEN_TYPE,
        token_type: 'Bearer',
        expires_in: expect.any(Number),
        scope: 'reports:read',
      });
      // It lives as long as a fresh token, but never beyond the subject token.
      expect(res.body.expires_in).toBeGreaterThan(890);
      expect(res.body.expires_in).toBeLessThanOrEqual(900);
      const { payload } = await verifyAccessToken(await fetchJwks(t), res.body.access_token, { issuer: TEST_ROOT, audience: 'default' });
      expect(payload).toMatchObject({ sub: 'svc', client_id: 'gateway', scope: 'reports:read', act: { sub: 'gateway' } });
      expect(payload.jti).not.toBe(claimsOf(subject).jti);
      expect(payload.exp).toBeLessThanOrEqual(claimsOf(subject).exp as number);
    });

    it('binds its token to the key of a DPoP proof, as the built-in grants do (a dpop-bound client gets no Bearer token)', async () => {
      const key = dpopKey();
      const res = await exchange(t, ['bound-gateway', 'bound-gateway-secret'], { subject_token: await subjectToken(t) })
        .set('DPoP', dpopProof(key, { htu: `${TEST_ROOT}${TOKEN}` }));
      expect(res.status).toBe(200);
      expect(res.body.token_type).toBe('DPoP');
      expect(claimsOf(res.body.access_token).cnf).toEqual({ jkt: key.jkt });
      const unproven = await exchange(t, ['bound-gateway', 'bound-gateway-secret'], { subject_token: await subjectToken(t) });
      expectOAuthError(unproven, 400, 'invalid_dpop_proof');
    });

    it('is counted in the metrics under its own grant_type', async () => {
      const res = await exchange(t, ['gateway', 'gateway-secret'], { subject_token: await subjectToken(t) });
      expect(res.status).toBe(200);
      const metrics = await request(t.server).get('/metrics');
      expect(metrics.text).toMatch(new RegExp(`^sympauthy_token_requests_total\\{grant_type="${TOKEN_EXCHANGE_GRANT}",outcome="issued"\\} [1-9]`, 'm'));
    });

    it("keeps the subject token's scopes when none is requested, filtered by the client's allowed-scopes", async () => {
      const subject = await subjectToken(t);
      expect((await exchange(t, ['gateway', 'gateway-secret'], { subject_token: subject })).body.scope).toBe('reports:read reports:write');
      expect((await exchange(t, ['narrow', 'narrow-secret'], { subject_token: subject })).body.scope).toBe('reports:read');
    });

    it("refuses a scope beyond the subject token's", async () => {
      const subject = await subjectToken(t, 'reports:read');
      expectOAuthError(await exchange(t, ['gateway', 'gateway-secret'], { subject_token: subject, scope: 'reports:write' }), 400, 'invalid_scope');
    });

    it('rejects a missing, forged or foreign subject token as invalid_request (RFC 8693 §2.2.2)', async () => {
      const subject = await subjectToken(t);
      const [h, p] = subject.split('.');
      const forged = `${h}.${Buffer.from(JSON.stringify({ ...claimsOf(subject), sub: 'admin' })).toString('base64url')}.${subject.split('.')[2]}`;
      const cases: Record<string, string>[] = [{}, { subject_token: 'not-a-jwt' }, { subject_token: forged }, { subject_token: `${h}.${p}.` },
        { subject_token: `${Buffer.from('null').toString('base64url')}.${p}.x` },
        { subject_token: subject, subject_token_type: 'urn:ietf:params:oauth:token-type:id_token' }];
      for (const params of cases) {
        expectOAuthError(await exchange(t, ['gateway', 'gateway-secret'], params), 400, 'invalid_request');
      }
    });

    it('goes through the endpoint checks: client authentication first, then isAllowedFor', async () => {
      const subject = await subjectToken(t);
      const wrongSecret = await exchange(t, ['gateway', 'wrong'], { subject_token: subject });
      expectOAuthError(wrongSecret, 401, 'invalid_client');
      expect(wrongSecret.headers['www-authenticate']).toMatch(/^Basic /);
      const publicClient = await request(t.server).post(TOKEN).type('form')
        .send({ grant_type: TOKEN_EXCHANGE_GRANT, client_id: 'spa', subject_token: subject, subject_token_type: ACCESS_TOKEN_TYPE });
      expectOAuthError(publicClient, 400, 'unauthorized_client');
    });

    it('is refused to a client whose allowed-grant-types does not list it', async () => {
      const res = await exchange(t, ['svc', 'svc-secret'], { subject_token: await subjectToken(t) });
      expectOAuthError(res, 400, 'unauthorized_client');
    });

    it('checks the parameters the grant declares required, after the client is allowed', async () => {
      const res = await request(t.server).post(TOKEN).auth('gateway', 'gateway-secret').type('form').send({ grant_type: TOKEN_EXCHANGE_GRANT, subject_token_type: ACCESS_TOKEN_TYPE });
      expectOAuthError(res, 400, 'invalid_request');
      expect(res.body.error_description).toBe('subject_token is required');
    });

    it('leaves the built-in grants working', async () => {
      expect((await subjectToken(t)).split('.')).toHaveLength(3);
    });

    it('is listed in both discovery documents', async () => {
      for (const path of ['/.well-known/openid-configuration', '/.well-known/oauth-authorization-server']) {
        const doc = JSON.parse((await request(t.server).get(path)).text);
        expect(doc.grant_types_supported).toEqual(expect.arrayContaining(['client_credentials', TOKEN_EXCHANGE_GRANT]));
      }
    });
  });

  describe('without the module', () => {
    const withoutExchange = baseConfig({
      scopes: { 'reports:read': {}, 'reports:write': {} },
      clients: {
        svc: { secret: 'svc-secret', 'allowed-grant-types': ['client_credentials'], 'default-scopes': ['reports:read', 'reports:write'] },
        gateway: { secret: 'gateway-secret', 'allowed-grant-types': ['client_credentials'] },
      },
    });
    let t: TestApp;
    beforeAll(async () => { t = await startTestApp(withoutExchange); });
    afterAll(async () => t.close());

    it('refuses to start when a client allows the grant, naming the key path', async () => {
      await expect(startTestApp(config)).rejects.toThrow(
        `clients.gateway.allowed-grant-types: unknown grant type ${TOKEN_EXCHANGE_GRANT}`);
    });

    it('answers unsupported_grant_type', async () => {
      const subject = await subjectToken(t);
      expectOAuthError(await exchange(t, ['gateway', 'gateway-secret'], { subject_token: subject }), 400, 'unsupported_grant_type');
    });

    it('does not list it in discovery', async () => {
      const doc = JSON.parse((await request(t.server).get('/.well-known/openid-configuration')).text);
      expect(doc.grant_types_supported).not.toContain(TOKEN_EXCHANGE_GRANT);
    });
  });
});
