// Risk: an extension grant passes the token issuers a scope the client is not allowed (its own
// parsing of `scope`, a scope copied from another token, or one not configured at all), and the
// client gets an access or ID token carrying it (RFC 6749 §3.3: the server grants scopes by its
// policy; here, the client's `allowed-scopes`). Every access token is minted by AccessTokenIssuer,
// so the rule is held there, whatever the grant.
import { Inject, Injectable, Module } from '@nestjs/common';
import { AccessTokenIssuer, OAuthError, TokenGrant, TokenModule, USER_DIRECTORY, UserTokenIssuer, parseScopeParameter } from '../../src/index.js';
import type { GrantHandler, GrantRequest, TokenResponse, UserDirectory } from '../../src/index.js';
import { expectOAuthError } from '../support/oauth-error-expectations.js';
import { claimsOf } from '../support/resource-server.js';
import { TestApp, baseConfigWithClients, startTestApp } from '../support/test-app.js';
import { tokenRequest } from '../support/token-endpoint.js';

const CLIENT_GRANT = 'urn:example:params:oauth:grant-type:any-scope';
const USER_GRANT = 'urn:example:params:oauth:grant-type:any-scope-for-alice';

/** The mistake under test: the requested scope is used as is, unchecked. */
@Injectable()
@TokenGrant(CLIENT_GRANT)
class AnyScopeGrant implements GrantHandler {
  constructor(private readonly accessTokens: AccessTokenIssuer) {}
  isAllowedFor(): boolean { return true; }
  async handle({ authenticated, params }: GrantRequest): Promise<TokenResponse> {
    const client = authenticated.client;
    const scopes = parseScopeParameter(params.get('scope'));
    const token = await this.accessTokens.issue({ client, subject: client.id, scopes });
    return { access_token: token.token, token_type: 'Bearer', expires_in: token.expiresIn, scope: scopes.join(' ') };
  }
}

@Injectable()
@TokenGrant(USER_GRANT)
class AnyScopeUserGrant implements GrantHandler {
  constructor(private readonly tokens: UserTokenIssuer, @Inject(USER_DIRECTORY) private readonly users: UserDirectory) {}
  isAllowedFor(): boolean { return true; }
  async handle({ authenticated, params }: GrantRequest): Promise<TokenResponse> {
    const user = await this.users.findById('alice');
    if (!user) throw OAuthError.invalidGrant('no alice');
    return this.tokens.issue({ client: authenticated.client, user, scopes: parseScopeParameter(params.get('scope')), authTime: 0, grantId: 'g'.repeat(22) });
  }
}

@Module({ imports: [TokenModule], providers: [AnyScopeGrant, AnyScopeUserGrant] })
class AnyScopeModule {}

describe('security: an extension grant cannot grant a scope outside the client\'s allowed-scopes', () => {
  const RESTRICTED = { clientId: 'restricted', secret: 'restricted-secret' };
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(baseConfigWithClients({
      restricted: { secret: 'restricted-secret', 'allowed-grant-types': [CLIENT_GRANT, USER_GRANT], 'allowed-scopes': ['openid', 'billing.read'] },
    }, { scopes: { 'billing.read': {}, 'billing.admin': {} } }), { extensions: [AnyScopeModule] });
  });
  afterAll(async () => t.close());

  it('issues the scopes the client is allowed', async () => {
    const res = await tokenRequest(t, { grant_type: CLIENT_GRANT, scope: 'billing.read' }, RESTRICTED);
    expect(res.status).toBe(200);
    expect(claimsOf(res.body.access_token).scope).toBe('billing.read');
    const user = await tokenRequest(t, { grant_type: USER_GRANT, scope: 'openid billing.read' }, RESTRICTED);
    expect(user.status).toBe(200);
    expect(user.body.id_token).toEqual(expect.any(String));
  });

  it('refuses a configured scope the client is not allowed, and one not configured at all, with invalid_scope', async () => {
    for (const grant of [CLIENT_GRANT, USER_GRANT]) {
      for (const scope of ['billing.read billing.admin', 'email', 'no-such-scope', 'openid profile']) {
        const res = await tokenRequest(t, { grant_type: grant, scope }, RESTRICTED);
        expectOAuthError(res, 400, 'invalid_scope');
      }
    }
  });
});
