import request from 'supertest';
import { Clients } from '../src/clients/clients.js';
import { MemoryRefreshTokenStore } from '../src/store/memory/memory-refresh-token-store.js';
import { MemoryRevocationStore } from '../src/store/memory/memory-revocation-store.js';
import { REFRESH_TOKEN_STORE } from '../src/store/refresh-token-store.js';
import { REVOCATION_STORE } from '../src/store/revocation-store.js';
import { AccessTokenIssuer } from '../src/token/access-token-issuer.js';
import { TEST_ROOT, TestApp, baseConfig, startTestApp } from './support/test-app.js';
import {
  ClientAuth, SPA, SPA_CALLBACK, SVC, TokenSet, WEB_APP, WEB_APP_CALLBACK, WEB_APP_POST, introspect, refresh, revoke, signInAndExchange,
} from './support/token-endpoint.js';

/**
 * Introspection (RFC 7662) and revocation (RFC 7009) with the rules of SPEC §2: client
 * authentication on both, another client's token inactive at introspection and
 * `unauthorized_client` at revocation, unknown tokens answered 200, a refresh token revoking
 * its family, and a store failure reported, never a silent 200.
 */
const OTHER_APP: ClientAuth = { clientId: 'other-app', secret: 'other-secret' };

function config(): Record<string, unknown> {
  const base = baseConfig();
  return {
    ...base,
    clients: { ...(base.clients as Record<string, unknown>), 'other-app': { secret: 'other-secret', 'allowed-redirect-uris': ['https://other.test/cb'] } },
  };
}

/** Stores that cannot record revocations (a backend gone away): every revoke rejects. */
class RevocationFailingStore extends MemoryRevocationStore {
  override async revokeGrant(): Promise<void> {
    throw new Error('store unreachable');
  }

  override async revokeAccessToken(): Promise<void> {
    throw new Error('store unreachable');
  }
}

class FamilyRevocationFailingStore extends MemoryRefreshTokenStore {
  override async revoke(): Promise<void> {
    throw new Error('store unreachable');
  }
}

class RevocationFailingStoreModule {}
const failingStoreExtension = {
  module: RevocationFailingStoreModule,
  providers: [
    { provide: REVOCATION_STORE, useFactory: () => new RevocationFailingStore({ sweepIntervalMs: 0 }) },
    { provide: REFRESH_TOKEN_STORE, useFactory: () => new FamilyRevocationFailingStore({ sweepIntervalMs: 0 }) },
  ],
  exports: [REVOCATION_STORE, REFRESH_TOKEN_STORE],
};

async function activeFor(t: TestApp, token: string, client: ClientAuth): Promise<boolean> {
  const res = await introspect(t, token, client);
  expect(res.status).toBe(200);
  return res.body.active === true;
}

describe('introspection and revocation', () => {
  let t: TestApp;
  beforeAll(async () => { t = await startTestApp(config()); });
  afterAll(async () => t.close());

  const webAppTokens = (): Promise<TokenSet> => signInAndExchange(t, WEB_APP, WEB_APP_CALLBACK, { scope: 'openid profile' });

  describe('client authentication', () => {
    it.each(['/api/oauth2/introspect', '/api/oauth2/revoke'])('%s refuses an unauthenticated request', async (path) => {
      const tokens = await webAppTokens();
      const anonymous = await request(t.server).post(path).type('form').send({ token: tokens.access_token });
      expect(anonymous.status).toBe(401);
      expect(anonymous.body.error).toBe('invalid_client');
      const wrongSecret = await request(t.server).post(path).auth('web-app', 'not-the-secret').type('form').send({ token: tokens.access_token });
      expect(wrongSecret.status).toBe(401);
      expect(wrongSecret.body.error).toBe('invalid_client');
      expect(wrongSecret.headers['www-authenticate']).toMatch(/^Basic /);
      expect(await activeFor(t, tokens.access_token, WEB_APP)).toBe(true);
    });

    it.each(['/api/oauth2/introspect', '/api/oauth2/revoke'])('%s requires the token parameter', async (path) => {
      const res = await request(t.server).post(path).auth('web-app', 'web-secret').type('form').send({});
      expect(res.status).toBe(400);
      expect(res.body.error).toBe('invalid_request');
    });
  });

  describe('introspection', () => {
    it('describes an active access token to its client, with client_secret_basic or client_secret_post', async () => {
      const tokens = await webAppTokens();
      for (const client of [WEB_APP, WEB_APP_POST]) {
        const res = await introspect(t, tokens.access_token, client);
        expect(res.status).toBe(200);
        expect(res.headers['cache-control']).toBe('no-store');
        expect(res.body).toMatchObject({
          active: true, token_type: 'Bearer', client_id: 'web-app', sub: 'alice', scope: 'openid profile', iss: TEST_ROOT,
          exp: expect.any(Number), iat: expect.any(Number), jti: expect.any(String),
        });
      }
    });

    it('describes an active refresh token to its client', async () => {
      const tokens = await webAppTokens();
      const res = await introspect(t, tokens.refresh_token!, WEB_APP);
      expect(res.body).toMatchObject({ active: true, token_type: 'refresh_token', client_id: 'web-app', sub: 'alice', scope: 'openid profile' });
    });

    it('answers exactly {active: false} for another client\'s tokens', async () => {
      const tokens = await webAppTokens();
      for (const client of [OTHER_APP, SVC, SPA]) {
        expect((await introspect(t, tokens.access_token, client)).body).toEqual({ active: false });
        expect((await introspect(t, tokens.refresh_token!, client)).body).toEqual({ active: false });
      }
    });

    it('answers {active: false} for an ID token, which is no access token', async () => {
      const tokens = await webAppTokens();
      expect((await introspect(t, tokens.id_token!, WEB_APP)).body).toEqual({ active: false });
    });

    it('answers {active: false} for unknown, malformed and expired tokens', async () => {
      const client = t.app.get(Clients, { strict: false }).find('web-app')!;
      const expired = (await t.app.get(AccessTokenIssuer, { strict: false })
        .issue({ client, subject: 'alice', scopes: ['openid'] }, Math.floor(Date.now() / 1000) - 3_600)).token;
      for (const token of ['nope', `${'A'.repeat(22)}.${'B'.repeat(43)}`, expired]) {
        expect((await introspect(t, token, WEB_APP)).body).toEqual({ active: false });
      }
    });
  });

  describe('revocation', () => {
    it('makes a revoked access token inactive', async () => {
      const tokens = await webAppTokens();
      const res = await revoke(t, tokens.access_token, WEB_APP);
      expect(res.status).toBe(200);
      expect(res.headers['cache-control']).toBe('no-store');
      expect(await activeFor(t, tokens.access_token, WEB_APP)).toBe(false);
    });

    it('ends the whole family when a refresh token is revoked', async () => {
      const first = await webAppTokens();
      const second = (await refresh(t, first.refresh_token!, WEB_APP)).body as TokenSet;
      expect(second.refresh_token).toEqual(expect.any(String));
      expect((await revoke(t, second.refresh_token!, WEB_APP, { token_type_hint: 'refresh_token' })).status).toBe(200);
      expect(await activeFor(t, second.refresh_token!, WEB_APP)).toBe(false);
      expect(await activeFor(t, first.access_token, WEB_APP)).toBe(false);
      expect(await activeFor(t, second.access_token, WEB_APP)).toBe(false);
      const attempt = await refresh(t, second.refresh_token!, WEB_APP);
      expect(attempt.status).toBe(400);
      expect(attempt.body.error).toBe('invalid_grant');
    });

    it('finds the token whatever the token_type_hint says', async () => {
      const tokens = await webAppTokens();
      expect((await revoke(t, tokens.refresh_token!, WEB_APP, { token_type_hint: 'access_token' })).status).toBe(200);
      expect(await activeFor(t, tokens.refresh_token!, WEB_APP)).toBe(false);
      const other = await webAppTokens();
      expect((await revoke(t, other.access_token, WEB_APP, { token_type_hint: 'refresh_token' })).status).toBe(200);
      expect(await activeFor(t, other.access_token, WEB_APP)).toBe(false);
    });

    it('lets a public client revoke its own refresh token with its client_id', async () => {
      const tokens = await signInAndExchange(t, SPA, SPA_CALLBACK, { scope: 'openid' });
      expect((await revoke(t, tokens.refresh_token!, SPA)).status).toBe(200);
      expect(await activeFor(t, tokens.refresh_token!, SPA)).toBe(false);
      expect(await activeFor(t, tokens.access_token, SPA)).toBe(false);
    });

    it('refuses another client\'s tokens with unauthorized_client, and they stay active', async () => {
      const tokens = await webAppTokens();
      for (const token of [tokens.access_token, tokens.refresh_token!]) {
        const res = await revoke(t, token, OTHER_APP);
        expect(res.status).toBe(400);
        expect(res.body.error).toBe('unauthorized_client');
        expect(await activeFor(t, token, WEB_APP)).toBe(true);
      }
      expect((await refresh(t, tokens.refresh_token!, WEB_APP)).status).toBe(200);
    });

    it('answers 200 for unknown, malformed and expired tokens', async () => {
      const client = t.app.get(Clients, { strict: false }).find('web-app')!;
      const expired = (await t.app.get(AccessTokenIssuer, { strict: false })
        .issue({ client, subject: 'alice', scopes: ['openid'] }, Math.floor(Date.now() / 1000) - 3_600)).token;
      for (const token of ['nope', `${'A'.repeat(22)}.${'B'.repeat(43)}`, expired]) {
        expect((await revoke(t, token, WEB_APP)).status).toBe(200);
      }
    });

    it('answers 200 for a token already revoked', async () => {
      const tokens = await webAppTokens();
      expect((await revoke(t, tokens.refresh_token!, WEB_APP)).status).toBe(200);
      expect((await revoke(t, tokens.refresh_token!, WEB_APP)).status).toBe(200);
      expect((await revoke(t, tokens.access_token, WEB_APP)).status).toBe(200);
    });
  });

  describe('when the store cannot record a revocation', () => {
    let failing: TestApp;
    beforeAll(async () => { failing = await startTestApp(config(), { extensions: [failingStoreExtension] }); });
    afterAll(async () => failing.close());

    it.each(['access_token', 'refresh_token'] as const)('answers 503 for an %s, never a silent 200', async (kind) => {
      const tokens = await signInAndExchange(failing, WEB_APP, WEB_APP_CALLBACK, { scope: 'openid' });
      const res = await revoke(failing, tokens[kind]!, WEB_APP);
      expect(res.status).toBe(503);
      expect(res.body.error).toBe('temporarily_unavailable');
      expect(res.text).not.toContain('store unreachable');
      expect(await activeFor(failing, tokens[kind]!, WEB_APP)).toBe(true);
    });
  });
});
