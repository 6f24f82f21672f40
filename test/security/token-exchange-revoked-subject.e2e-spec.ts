// Risk: an extension grant that derives a token from another (the token exchange example, RFC 8693
// §2.1) checks only the subject token's signature: a revoked access token (RFC 7009 §2, revoked
// by its client or through its grant — a revoked refresh token, a logout, a replayed code) is
// exchanged for a fresh, active one, and exchanging the result again stretches a token's life
// without end. The example, which teams copy, must refuse an inactive subject token (RFC 8693
// §2.2.2: invalid_request), carry the subject's grant (`gid`) and expire no later than it.
import request from 'supertest';
import { ACCESS_TOKEN_TYPE, TOKEN_EXCHANGE_GRANT } from '../../examples/extra-grant/token-exchange.grant.js';
import { TokenExchangeModule } from '../../examples/extra-grant/token-exchange.module.js';
import { expectOAuthError } from '../support/oauth-error-expectations.js';
import { claimsOf } from '../support/resource-server.js';
import { TestApp, baseConfigWithClients, startTestApp } from '../support/test-app.js';
import { SVC, WEB_APP, WEB_APP_CALLBACK, introspect, revoke, signInAndExchange, tokenRequest } from '../support/token-endpoint.js';
import type { ClientAuth } from '../support/token-endpoint.js';

const GATEWAY: ClientAuth = { clientId: 'gateway', secret: 'gateway-secret' };

describe('security: the token exchange example does not revive revoked tokens', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(baseConfigWithClients({
      gateway: { secret: 'gateway-secret', 'allowed-grant-types': [TOKEN_EXCHANGE_GRANT] },
    }), { extensions: [TokenExchangeModule] });
  });
  afterAll(async () => t.close());

  const exchange = (subjectToken: string) => tokenRequest(t, {
    grant_type: TOKEN_EXCHANGE_GRANT, subject_token_type: ACCESS_TOKEN_TYPE, subject_token: subjectToken,
  }, GATEWAY);
  const serviceToken = async (): Promise<string> => {
    const res = await tokenRequest(t, { grant_type: 'client_credentials' }, SVC);
    expect(res.status).toBe(200);
    return res.body.access_token as string;
  };

  it('refuses a subject token its client revoked', async () => {
    const subject = await serviceToken();
    expect((await exchange(subject)).status).toBe(200);
    expect((await revoke(t, subject, SVC)).status).toBe(200);
    expect((await introspect(t, subject, SVC)).body).toEqual({ active: false });

    expectOAuthError(await exchange(subject), 400, 'invalid_request');
  });

  it("refuses a user's access token once its grant is revoked, and the tokens exchanged before end with the grant", async () => {
    const user = await signInAndExchange(t, WEB_APP, WEB_APP_CALLBACK, { scope: 'openid profile' });
    const exchanged = await exchange(user.access_token);
    expect(exchanged.status).toBe(200);
    expect(claimsOf(exchanged.body.access_token).gid).toBe(claimsOf(user.access_token).gid);
    expect((await introspect(t, exchanged.body.access_token, GATEWAY)).body.active).toBe(true);
    const userinfo = () => request(t.server).get('/api/openid/userinfo').set('Authorization', `Bearer ${exchanged.body.access_token}`);
    expect((await userinfo()).status).toBe(200);

    // Revoking the refresh token revokes the grant (RFC 7009 §2.1).
    expect((await revoke(t, user.refresh_token!, WEB_APP)).status).toBe(200);

    expectOAuthError(await exchange(user.access_token), 400, 'invalid_request');
    expect((await introspect(t, exchanged.body.access_token, GATEWAY)).body).toEqual({ active: false });
    expect((await userinfo()).status).toBe(401);
  });

  it('never issues a token that outlives its subject token, however often it is exchanged again', async () => {
    const subject = await serviceToken();
    const subjectExp = claimsOf(subject).exp as number;
    let token = subject;
    for (let i = 0; i < 2; i++) {
      // A second later, a fresh token would expire a second later than the one exchanged.
      await new Promise((resolve) => setTimeout(resolve, 1100));
      const res = await exchange(token);
      expect(res.status).toBe(200);
      token = res.body.access_token as string;
      expect(claimsOf(token).exp).toBeLessThanOrEqual(subjectExp);
      expect(res.body.expires_in).toBeLessThanOrEqual(subjectExp - Math.floor(Date.now() / 1000) + 1);
    }
  });
});
