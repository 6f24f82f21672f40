// Risk: an extension signs its own access token with the server's key (TokenSigner, public API)
// and leaves out a claim the core reads — `scope`, or a string `sub` — and UserInfo or
// introspection, trusting the signature, fails on it with a 500 (SPEC §2: every malformed
// request gets the endpoint's RFC error). A token of this server's key that lacks the shape of an
// access token is not one: UserInfo answers `invalid_token`, introspection `active: false`.
import { Injectable, Module } from '@nestjs/common';
import request from 'supertest';
import { ServerSettings, TokenGrant, TokenModule, TokenSigner } from '../../src/index.js';
import type { GrantHandler, GrantRequest, TokenResponse } from '../../src/index.js';
import { TestApp, baseConfigWithClients, startTestApp } from '../support/test-app.js';
import { introspect, tokenRequest } from '../support/token-endpoint.js';

const GRANT = 'urn:example:params:oauth:grant-type:hand-signed';

/** The mistake under test: claims put together by hand, some missing or of the wrong type. */
@Injectable()
@TokenGrant(GRANT)
class HandSignedGrant implements GrantHandler {
  constructor(private readonly signer: TokenSigner, private readonly server: ServerSettings) {}
  isAllowedFor(): boolean { return true; }
  async handle({ authenticated, params }: GrantRequest): Promise<TokenResponse> {
    const now = Math.floor(Date.now() / 1000);
    const claims: Record<string, unknown> = {
      iss: this.server.issuer, sub: 'alice', aud: 'api', client_id: authenticated.client.id, iat: now, exp: now + 60,
      jti: `jti-${Math.random()}`, scope: 'openid',
    };
    if (params.get('shape') === 'no-scope') delete claims.scope;
    if (params.get('shape') === 'numeric-scope') claims.scope = 42;
    if (params.get('shape') === 'numeric-sub') claims.sub = 7;
    const token = await this.signer.sign('access-token', claims, 'at+jwt');
    return { access_token: token, token_type: 'Bearer', expires_in: 60 };
  }
}

@Module({ imports: [TokenModule], providers: [HandSignedGrant] })
class HandSignedModule {}

describe('security: a token signed by an extension without an access token\'s claims', () => {
  const GATEWAY = { clientId: 'gateway', secret: 'gateway-secret' };
  let t: TestApp;
  beforeAll(async () => {
    t = await startTestApp(baseConfigWithClients({
      gateway: { secret: 'gateway-secret', 'allowed-grant-types': [GRANT], 'allowed-scopes': ['openid'] },
    }), { extensions: [HandSignedModule] });
  });
  afterAll(async () => t.close());

  async function handSigned(shape: string): Promise<string> {
    const res = await tokenRequest(t, { grant_type: GRANT, shape }, GATEWAY);
    expect(res.status).toBe(200);
    return res.body.access_token as string;
  }

  it('is served like any token when its claims are whole', async () => {
    const token = await handSigned('whole');
    const res = await request(t.server).get('/api/openid/userinfo').set('authorization', `Bearer ${token}`);
    expect(res.status).toBe(200);
    expect(res.body.sub).toBe('alice');
    expect((await introspect(t, token, GATEWAY)).body.active).toBe(true);
  });

  it.each(['no-scope', 'numeric-scope', 'numeric-sub'])('%s: UserInfo answers invalid_token and introspection active: false, never a 500', async (shape) => {
    const token = await handSigned(shape);
    const res = await request(t.server).get('/api/openid/userinfo').set('authorization', `Bearer ${token}`);
    expect(res.status).toBe(401);
    expect(res.headers['www-authenticate']).toContain('error="invalid_token"');
    const introspected = await introspect(t, token, GATEWAY);
    expect(introspected.status).toBe(200);
    expect(introspected.body).toEqual({ active: false });
  });
});
