// Risk: an extension grant whose `isAllowedFor` is too lax (returns true, or forgets the client's
// configuration) opens the grant to every client, public ones included, although the operator
// allows grants per client in `allowed-grant-types` (RFC 6749 §5.2 unauthorized_client). The
// token endpoint must hold that rule itself, whatever the handler says.
import { Injectable, Module } from '@nestjs/common';
import { AccessTokenIssuer, TokenGrant, TokenModule } from '../../src/index.js';
import type { GrantHandler, GrantRequest, TokenResponse } from '../../src/index.js';
import { expectOAuthError } from '../support/oauth-error-expectations.js';
import { TestApp, baseConfigWithClients, startTestApp } from '../support/test-app.js';
import { SPA, SVC, WEB_APP, tokenRequest } from '../support/token-endpoint.js';

const LAX_GRANT = 'urn:example:params:oauth:grant-type:lax';

@Injectable()
@TokenGrant(LAX_GRANT)
class LaxGrant implements GrantHandler {
  constructor(private readonly accessTokens: AccessTokenIssuer) {}

  isAllowedFor(): boolean {
    return true; // the mistake under test
  }

  async handle({ authenticated }: GrantRequest): Promise<TokenResponse> {
    const client = authenticated.client;
    const token = await this.accessTokens.issue({ client, subject: client.id, scopes: [] });
    return { access_token: token.token, token_type: 'Bearer', expires_in: token.expiresIn };
  }
}

@Module({ imports: [TokenModule], providers: [LaxGrant] })
class LaxGrantModule {}

describe("security: an extension grant is only for the clients whose allowed-grant-types list it", () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(baseConfigWithClients({
      allowed: { secret: 'allowed-secret', 'allowed-grant-types': ['client_credentials', LAX_GRANT] },
    }), { extensions: [LaxGrantModule] });
  });
  afterAll(async () => t.close());

  it('serves the clients that list it', async () => {
    const res = await tokenRequest(t, { grant_type: LAX_GRANT }, { clientId: 'allowed', secret: 'allowed-secret' });
    expect(res.status).toBe(200);
  });

  it('refuses every other client with unauthorized_client, even though the handler would allow it', async () => {
    for (const client of [SVC, WEB_APP, SPA]) {
      const res = await tokenRequest(t, { grant_type: LAX_GRANT }, client);
      expectOAuthError(res, 400, 'unauthorized_client');
    }
  });
});
