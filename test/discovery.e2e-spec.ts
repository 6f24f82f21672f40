import request from 'supertest';
import { generateTestKey } from './support/test-keys.js';
import { TestApp, baseConfig, startTestApp } from './support/test-app.js';

/**
 * The discovery documents (OIDC Discovery 1.0 §3, RFC 8414 §2), built from the real
 * configuration: issuer = urls.root, every endpoint of SPEC §2, and what the server really
 * supports (grants served by the token endpoint, the algorithms of the configured keys).
 */
describe('discovery documents', () => {
  const ROOT = 'https://id.example.test';
  const OPENID = '/.well-known/openid-configuration';
  const OAUTH = '/.well-known/oauth-authorization-server';
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp(baseConfig({
      urls: { root: ROOT },
      audiences: { billing: { 'token-audience': 'https://billing.test' } },
      scopes: { 'invoices:read': { audience: 'billing' }, 'reports:write': { description: 'Publish reports' } },
      keys: {
        // The algorithms advertised are those of the configured keys, per purpose.
        'access-token': [
          { id: 'at-rsa', algorithm: 'RS256', 'private-key': generateTestKey('RS256').pem },
          { id: 'at-ec', algorithm: 'ES256', 'private-key': generateTestKey('ES256').pem },
        ],
        'id-token': [{ id: 'it-ed', algorithm: 'EdDSA', 'private-key': generateTestKey('EdDSA').pem }],
      },
    }));
  });
  afterAll(async () => t.close());

  const get = (path: string) => request(t.server).get(path);

  describe.each([['OpenID Provider configuration', OPENID], ['authorization server metadata', OAUTH]])('%s', (_name, path) => {
    let doc: Record<string, unknown>;
    beforeAll(async () => {
      const res = await get(path);
      expect(res.status).toBe(200);
      doc = JSON.parse(res.text);
    });

    it('is cacheable JSON', async () => {
      const res = await get(path);
      expect(res.headers['content-type']).toMatch(/^application\/json/);
      expect(res.headers['cache-control']).toMatch(/\bpublic\b/);
      expect(res.headers['cache-control']).toMatch(/\bmax-age=\d+/);
    });

    it('has issuer = urls.root', () => {
      expect(doc.issuer).toBe(ROOT);
    });

    it('advertises every endpoint under the issuer, at the SPEC §2 paths', () => {
      expect(doc).toMatchObject({
        authorization_endpoint: `${ROOT}/api/oauth2/authorize`,
        token_endpoint: `${ROOT}/api/oauth2/token`,
        jwks_uri: `${ROOT}/.well-known/public.jwk`,
        revocation_endpoint: `${ROOT}/api/oauth2/revoke`,
        introspection_endpoint: `${ROOT}/api/oauth2/introspect`,
      });
    });

    it('supports the code flow with S256 PKCE only, and the iss response parameter (RFC 9207)', () => {
      expect(doc.response_types_supported).toEqual(['code']);
      expect(doc.code_challenge_methods_supported).toEqual(['S256']);
      expect(doc.authorization_response_iss_parameter_supported).toBe(true);
    });

    it('lists client_credentials and no out-of-scope grant', () => {
      expect(doc.grant_types_supported).toContain('client_credentials');
      for (const grant of ['password', 'implicit']) expect(doc.grant_types_supported).not.toContain(grant);
    });

    it('lists the client authentication methods of the token endpoint', () => {
      expect([...(doc.token_endpoint_auth_methods_supported as string[])].sort())
        .toEqual(['client_secret_basic', 'client_secret_post', 'none']);
    });

    it('lists the built-in and the custom scopes', () => {
      expect([...(doc.scopes_supported as string[])].sort())
        .toEqual(['address', 'email', 'invoices:read', 'openid', 'phone', 'profile', 'reports:write']);
    });

    it('lists the access-token signing algorithms of the configured keys', () => {
      expect([...(doc.access_token_signing_alg_values_supported as string[])].sort()).toEqual(['ES256', 'RS256']);
    });
  });

  it('adds the OpenID-specific members to the OpenID Provider configuration', async () => {
    const doc = JSON.parse((await get(OPENID)).text);
    expect(doc.userinfo_endpoint).toBe(`${ROOT}/api/openid/userinfo`);
    expect(doc.id_token_signing_alg_values_supported).toEqual(['EdDSA']);
    expect(doc.subject_types_supported).toEqual(['public']);
  });

  it('serves the same issuer and endpoints in both documents', async () => {
    const openid = JSON.parse((await get(OPENID)).text);
    const oauth = JSON.parse((await get(OAUTH)).text);
    for (const member of Object.keys(oauth)) expect([member, openid[member]]).toEqual([member, oauth[member]]);
  });

  it('advertises only grants the token endpoint really serves', async () => {
    const doc = JSON.parse((await get(OAUTH)).text);
    for (const grant of doc.grant_types_supported as string[]) {
      const res = await request(t.server).post('/api/oauth2/token').type('form').send({ grant_type: grant, client_id: 'nobody' });
      expect([grant, res.body.error]).not.toEqual([grant, 'unsupported_grant_type']);
    }
  });

  it('publishes at jwks_uri the keys of the advertised algorithms', async () => {
    const doc = JSON.parse((await get(OPENID)).text);
    const jwks = JSON.parse((await get(new URL(doc.jwks_uri).pathname)).text) as { keys: { kid: string; alg: string }[] };
    expect(jwks.keys.map((k) => k.kid).sort()).toEqual(['at-ec', 'at-rsa', 'it-ed']);
    const algs = new Set(jwks.keys.map((k) => k.alg));
    for (const alg of [...doc.access_token_signing_alg_values_supported, ...doc.id_token_signing_alg_values_supported]) expect(algs).toContain(alg);
  });

  it('uses the access token issuer (iss) as its issuer', async () => {
    const res = await request(t.server).post('/api/oauth2/token').auth('svc', 'svc-secret').type('form').send({ grant_type: 'client_credentials' });
    const claims = JSON.parse(Buffer.from(res.body.access_token.split('.')[1], 'base64url').toString());
    expect(claims.iss).toBe(JSON.parse((await get(OPENID)).text).issuer);
  });

  it('builds from another configuration: another issuer, the default ES256 keys, no custom scope', async () => {
    const other = await startTestApp(baseConfig({ urls: { root: 'http://localhost:4000' } }));
    try {
      const doc = JSON.parse((await request(other.server).get(OPENID)).text);
      expect(doc.issuer).toBe('http://localhost:4000');
      expect(doc.token_endpoint).toBe('http://localhost:4000/api/oauth2/token');
      expect(doc.access_token_signing_alg_values_supported).toEqual(['ES256']);
      expect(doc.id_token_signing_alg_values_supported).toEqual(['ES256']);
      expect([...doc.scopes_supported].sort()).toEqual(['address', 'email', 'openid', 'phone', 'profile']);
    } finally {
      await other.close();
    }
  });
});
