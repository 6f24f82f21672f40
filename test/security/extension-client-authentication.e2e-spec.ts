// Risk: a grant handler authenticates its clients itself (`authenticateClient`, for an assertion
// grant, RFC 7521 §4.2) and names a client that is not registered — one it built, or one a reload
// removed — or hands back a Client object it altered (wider allowed-scopes): the token endpoint
// then issues tokens to a client the configuration does not have, or with rights it does not give.
// The core takes the client of the configuration in force by its id, or answers invalid_client.
import { Injectable, Module } from '@nestjs/common';
import { AccessTokenIssuer, Clients, TokenGrant, TokenModule } from '../../src/index.js';
import type { AuthenticatedClient, Client, ClientAuthenticationRequest, GrantHandler, GrantRequest, TokenResponse } from '../../src/index.js';
import { expectOAuthError } from '../support/oauth-error-expectations.js';
import { claimsOf } from '../support/resource-server.js';
import { TestApp, baseConfigWithClients, startTestApp } from '../support/test-app.js';
import { tokenRequest } from '../support/token-endpoint.js';

const GRANT = 'urn:example:params:oauth:grant-type:self-authenticating';

/** The mistake under test: the client named by the request is believed, and may be tampered with. */
@Injectable()
@TokenGrant(GRANT)
class SelfAuthenticatingGrant implements GrantHandler {
  constructor(private readonly clients: Clients, private readonly accessTokens: AccessTokenIssuer) {}
  isAllowedFor(): boolean { return true; }
  async authenticateClient({ params }: ClientAuthenticationRequest): Promise<AuthenticatedClient> {
    const gateway = this.clients.find('gateway')!;
    const as = params.get('as');
    if (as === 'ghost') return { client: Object.create(gateway, { id: { value: 'ghost' } }) as Client, method: 'none' };
    if (as === 'widened') return { client: Object.create(gateway, { allowedScopes: { value: new Set(['openid', 'billing.admin']) } }) as Client, method: 'none' };
    return { client: gateway, method: 'none' };
  }
  async handle({ authenticated, params }: GrantRequest): Promise<TokenResponse> {
    const scopes = (params.get('scope') ?? '').split(' ').filter(Boolean);
    const token = await this.accessTokens.issue({ client: authenticated.client, subject: authenticated.client.id, scopes });
    return { access_token: token.token, token_type: 'Bearer', expires_in: token.expiresIn };
  }
}

@Module({ imports: [TokenModule], providers: [SelfAuthenticatingGrant] })
class SelfAuthenticatingModule {}

/** The handler reads its own parameters; the request carries no secret. */
const AS_NAMED = { clientId: 'gateway' };

describe('security: a grant\'s own client authentication names only registered clients', () => {
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(baseConfigWithClients({
      gateway: { secret: 'gateway-secret', 'allowed-grant-types': [GRANT], 'allowed-scopes': ['openid', 'billing.read'] },
    }, { scopes: { 'billing.read': {}, 'billing.admin': {} } }), { extensions: [SelfAuthenticatingModule] });
  });
  afterAll(async () => t.close());

  it('serves the registered client it names', async () => {
    const res = await tokenRequest(t, { grant_type: GRANT, scope: 'billing.read' }, AS_NAMED);
    expect(res.status).toBe(200);
    expect(claimsOf(res.body.access_token).client_id).toBe('gateway');
  });

  it('answers invalid_client for a client the configuration does not have', async () => {
    expectOAuthError(await tokenRequest(t, { grant_type: GRANT, as: 'ghost', scope: 'billing.read' }, AS_NAMED), 401, 'invalid_client');
  });

  it('uses the configuration\'s client, not the handler\'s altered copy: a scope it does not allow is refused', async () => {
    expectOAuthError(await tokenRequest(t, { grant_type: GRANT, as: 'widened', scope: 'billing.admin' }, AS_NAMED), 400, 'invalid_scope');
  });
});
