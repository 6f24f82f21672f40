// Risk: the memory store, full, forgets the oldest refresh-token family; revoking that family's
// refresh token then finds nothing, answers 200 and leaves the grant's access tokens active —
// RFC 7009 §2.1 (revoking a refresh token also invalidates the access tokens of its grant). A
// user who runs enough code exchanges (a public client needs no secret) pushes other users'
// families out. A forgotten family is kept as a revoked tombstone with its grant.
import type { DynamicModule } from '@nestjs/common';
import request from 'supertest';
import { MemoryRefreshTokenStore } from '../../src/store/memory/memory-refresh-token-store.js';
import { REFRESH_TOKEN_STORE } from '../../src/store/refresh-token-store.js';
import { memoryStoreProviders } from '../../src/store/store.module.js';
import { TestApp, baseConfig, startTestApp } from '../support/test-app.js';
import { WEB_APP, WEB_APP_CALLBACK, introspect, refresh, revoke, signInAndExchange } from '../support/token-endpoint.js';

/** The memory store with room for two refresh-token families (the default is 100 000). */
function smallFamilyStore(): DynamicModule {
  class SmallFamilyStoreModule {}
  const providers = memoryStoreProviders({ sweepIntervalMs: 0 }).map((p) =>
    p.provide === REFRESH_TOKEN_STORE ? { provide: REFRESH_TOKEN_STORE, useFactory: () => new MemoryRefreshTokenStore({ maxEntries: 2, sweepIntervalMs: 0 }) } : p);
  return { module: SmallFamilyStoreModule, providers, exports: providers.map((p) => p.provide) };
}

describe('security: revoking the refresh token of a family the full memory store forgot', () => {
  let t: TestApp;
  beforeAll(async () => { t = await startTestApp(baseConfig(), { extensions: [smallFamilyStore()] }); });
  afterAll(async () => t.close());

  it('control: with the family still stored, revocation ends the access token', async () => {
    const tokens = await signInAndExchange(t, WEB_APP, WEB_APP_CALLBACK, { scope: 'openid' });
    expect((await revoke(t, tokens.refresh_token!, WEB_APP)).status).toBe(200);
    expect((await introspect(t, tokens.access_token, WEB_APP)).body.active).toBe(false);
  });

  it('with the family forgotten, revocation still ends the access token, and the refresh token is refused', async () => {
    const victim = await signInAndExchange(t, WEB_APP, WEB_APP_CALLBACK, { scope: 'openid' });
    await signInAndExchange(t, WEB_APP, WEB_APP_CALLBACK, { scope: 'openid' });
    await signInAndExchange(t, WEB_APP, WEB_APP_CALLBACK, { scope: 'openid' }); // full: the victim's family goes
    const refused = await refresh(t, victim.refresh_token!, WEB_APP);
    expect({ status: refused.status, error: refused.body.error }).toEqual({ status: 400, error: 'invalid_grant' });
    expect((await introspect(t, victim.refresh_token!, WEB_APP)).body).toEqual({ active: false });
    expect((await revoke(t, victim.refresh_token!, WEB_APP)).status).toBe(200);
    expect((await introspect(t, victim.access_token, WEB_APP)).body.active).toBe(false);
    expect((await request(t.server).get('/api/openid/userinfo').set('authorization', `Bearer ${victim.access_token}`)).status).toBe(401);
  });
});
