// Risk: a grant is revoked (logout with logout-revokes-tokens, a replayed code) but the second
// write, revoking its refresh-token family, fails (a store timeout): the family would go on
// minting access tokens — inactive at introspection, yet valid JWTs for a resource server that
// verifies them itself — for as long as the client keeps refreshing.
import { decodeJwt } from 'jose';
import { REFRESH_TOKEN_STORE, type RefreshTokenStore } from '../../src/store/refresh-token-store.js';
import { REVOCATION_STORE, type RevocationStore } from '../../src/store/revocation-store.js';
import { refreshTokenFamily } from '../../src/token/refresh-token.js';
import { TestApp, baseConfig, startTestApp } from '../support/test-app.js';
import { WEB_APP, WEB_APP_CALLBACK, introspect, refresh, signInAndExchange } from '../support/token-endpoint.js';

describe('security: a revoked grant ends its refresh tokens, even when its family was not revoked', () => {
  let t: TestApp;
  beforeAll(async () => { t = await startTestApp(baseConfig()); });
  afterAll(async () => t.close());

  it('refuses to refresh a family whose grant is revoked, and revokes the family', async () => {
    const tokens = await signInAndExchange(t, WEB_APP, WEB_APP_CALLBACK, { scope: 'openid' });
    const grantId = decodeJwt(tokens.access_token).gid as string;
    // Only the first write of a revocation happened.
    await t.app.get<RevocationStore>(REVOCATION_STORE, { strict: false }).revokeGrant(grantId, 60_000);
    expect((await introspect(t, tokens.access_token, WEB_APP)).body.active).toBe(false);
    // Introspection already answers for the refresh token as the refresh grant will.
    expect((await introspect(t, tokens.refresh_token!, WEB_APP)).body).toEqual({ active: false });

    const res = await refresh(t, tokens.refresh_token!, WEB_APP);
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_grant');
    expect(res.body.access_token).toBeUndefined();
    const family = await t.app.get<RefreshTokenStore>(REFRESH_TOKEN_STORE, { strict: false }).find(refreshTokenFamily(tokens.refresh_token!)!);
    expect(family?.revoked).toBe(true);
  });
});
