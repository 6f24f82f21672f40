import { ConfigErrors } from './config-errors.js';
import { parseConfiguration } from './parse-configuration.js';

function parse(tree: Record<string, unknown>) {
  const errors = new ConfigErrors();
  const parsed = parseConfiguration(tree, errors);
  return { parsed, problems: errors.list };
}

describe('parseConfiguration', () => {
  it('maps kebab-case keys to typed classes', () => {
    const { parsed, problems } = parse({
      urls: { root: 'http://localhost:3000' },
      clients: { web: { secret: 's', 'allowed-redirect-uris': ['http://localhost/cb'] } },
      keys: { 'access-token': [{ id: 'k1', algorithm: 'ES256', 'private-key': 'x' }] },
      token: { 'access-token': { lifespan: '5m' }, 'refresh-token': { 'reuse-grace': '2s' } },
    });
    expect(problems).toEqual([]);
    expect(parsed!.clients.get('web')!.allowedRedirectUris).toEqual(['http://localhost/cb']);
    expect(parsed!.keys.accessToken[0].privateKey).toBe('x');
    expect(parsed!.token.accessTokenMs).toBe(300_000);
    expect(parsed!.token.refreshTokenReuseGraceMs).toBe(2000);
    expect(parsed!.token.authorizationCodeMs).toBe(60_000);
    expect(parsed!.store).toBeUndefined();
  });

  it('reports unknown keys with their full path, as written', () => {
    const { problems } = parse({
      urls: { root: 'http://localhost:3000' },
      clients: { web: { secret: 's', 'allowed-redirect-uri': ['http://x/cb'] } },
      token: { 'access-token': { lifespn: '5m' } },
      keys: { 'access-token': [{ id: 'a', colour: 'red' }] },
      sotre: {},
    });
    expect(problems).toEqual(expect.arrayContaining([
      'clients.web.allowed-redirect-uri: unknown key (did you mean allowed-redirect-uris?)',
      'token.access-token.lifespn: unknown key (did you mean lifespan?)',
      'keys.access-token.0.colour: unknown key',
      'sotre: unknown key (did you mean store?)',
    ]));
    expect(problems).toHaveLength(4);
  });

  it('suggests the closest key of the same mapping, only when it is close', () => {
    const { problems } = parse({
      urls: { root: 'http://localhost:3000' },
      clients: { web: { Public: true, allowed_scopes: [], 'default-scope': [], secrets: 's', id: 'web', redirect: 'x' } },
      templates: { client: {} },
      audiences: { api: { audience: 'x' } },
      store: { 'key-prefx': 'x', urll: 'redis://x' },
      keys: { 'id-tokens': [] },
    });
    expect(problems).toEqual([
      'templates.client: unknown key (did you mean clients?)',
      'keys.id-tokens: unknown key (did you mean id-token?)',
      'store.key-prefx: unknown key (did you mean key-prefix?)',
      'store.urll: unknown key (did you mean url?)',
      'audiences.api.audience: unknown key',
      'clients.web.Public: unknown key (did you mean public?)',
      'clients.web.allowed_scopes: unknown key (did you mean allowed-scopes?)',
      'clients.web.default-scope: unknown key (did you mean default-scopes?)',
      'clients.web.secrets: unknown key (did you mean secret?)',
      'clients.web.id: unknown key',
      'clients.web.redirect: unknown key',
    ]);
  });

  it('reports a key spelled like the property behind a YAML name instead of ignoring it, at any depth', () => {
    const { problems, parsed } = parse({
      urls: { root: 'http://localhost:3000' },
      clients: { web: { secret: 's', allowedRedirectUris: ['http://x/cb'], allowedGrantTypes: [] } },
      token: { accessToken: { lifespan: '1m' }, 'refresh-token': { reuseGrace: '2s' } },
      keys: { 'access-token': [{ id: 'a', privateKeyFile: '/k.pem' }], idToken: [] },
      audiences: { api: { tokenAudience: 'x' } },
    });
    expect(problems).toEqual(expect.arrayContaining([
      'clients.web.allowedRedirectUris: unknown key (did you mean allowed-redirect-uris?)',
      'clients.web.allowedGrantTypes: unknown key (did you mean allowed-grant-types?)',
      'token.accessToken: unknown key (did you mean access-token?)',
      'token.refresh-token.reuseGrace: unknown key (did you mean reuse-grace?)',
      'keys.access-token.0.privateKeyFile: unknown key (did you mean private-key-file?)',
      'keys.idToken: unknown key (did you mean id-token?)',
      'audiences.api.tokenAudience: unknown key (did you mean token-audience?)',
    ]));
    expect(problems).toHaveLength(7);
    expect(parsed!.token.accessTokenMs).toBe(15 * 60_000);
  });

  it('reports every type problem at once', () => {
    const { problems } = parse({
      urls: { root: 'not a url' },
      clients: { web: { public: 'yes', 'allowed-grant-types': 'client_credentials' } },
      users: { alice: { password: 'plain' } },
      token: { 'authorization-code': { lifespan: '10 minutes' } },
      store: { type: 'mongo' },
    });
    expect(problems).toEqual(expect.arrayContaining([
      'urls.root: must be an absolute http(s) URL without query or fragment',
      'clients.web.public: must be true or false',
      'clients.web.allowed-grant-types: must be a list of grant types',
      expect.stringMatching(/^users\.alice\.password: must be a bcrypt hash/),
      'token.authorization-code.lifespan: must be a duration such as 60s, 15m, 12h or 30d',
      'store.type: must be one of memory, redis',
    ]));
  });

  it('bounds durations: a lifespan of 0s or over 3650d is refused instead of breaking tokens at runtime', () => {
    // 99999999999999d passed validation and made every Redis revocation of such a token fail (TTL out of range).
    const { problems } = parse({
      urls: { root: 'http://localhost:3000' },
      token: {
        'access-token': { lifespan: '99999999999999d' },
        'refresh-token': { lifespan: '0s', 'reuse-grace': '0s' },
        'authorization-code': { lifespan: `${'9'.repeat(300)}d` },
      },
    });
    expect(problems).toEqual([
      'token.access-token.lifespan: must be at most 3650d',
      'token.authorization-code.lifespan: must be at most 3650d',
    ]);
    const zero = parse({ urls: { root: 'http://localhost:3000' }, token: { 'access-token': { lifespan: '0s' }, 'authorization-code': { lifespan: '999ms' }, 'refresh-token': { 'reuse-grace': '0s' } } });
    expect(zero.problems).toEqual(['token.access-token.lifespan: must be at least 1s', 'token.authorization-code.lifespan: must be at least 1s']);
    const longest = parse({ urls: { root: 'http://localhost:3000' }, token: { 'refresh-token': { lifespan: '3650d' } }, session: { lifespan: '1s' } });
    expect(longest.problems).toEqual([]);
    expect(longest.parsed?.token.refreshTokenMs).toBe(3650 * 86_400_000);
  });

  it('reads the DPoP and PAR settings (SPEC §5), off by default', () => {
    const defaults = parse({ urls: { root: 'http://localhost:3000' } }).parsed!;
    expect(defaults.token).toMatchObject({ dpopRequired: false, dpopNonce: false });
    expect(defaults.authorization).toBeUndefined();
    const { parsed, problems } = parse({
      urls: { root: 'http://localhost:3000' },
      token: { 'dpop-required': true, 'dpop-nonce': true },
      authorization: { 'require-pushed-authorization-requests': true },
      templates: { clients: { default: { 'dpop-bound-access-tokens': true } } },
      clients: { web: { secret: 's', 'require-pushed-authorization-requests': true } },
    });
    expect(problems).toEqual([]);
    expect(parsed!.token).toMatchObject({ dpopRequired: true, dpopNonce: true });
    expect(parsed!.authorization!.requirePushedAuthorizationRequests).toBe(true);
    expect(parsed!.clientTemplates.get('default')!.dpopBoundAccessTokens).toBe(true);
    expect(parsed!.clients.get('web')!.requirePushedAuthorizationRequests).toBe(true);
  });

  it('names the key path of a DPoP or PAR setting that is not a boolean, or misspelt', () => {
    const { problems } = parse({
      urls: { root: 'http://localhost:3000' },
      token: { 'dpop-required': 'yes', 'dpop-nonces': true },
      authorization: { 'require-pushed-authorization-requests': 1 },
      clients: { web: { secret: 's', 'dpop-bound-access-tokens': 'true', 'require-pushed-authorization-requests': 'no' } },
    });
    expect(problems).toEqual(expect.arrayContaining([
      'token.dpop-required: must be true or false',
      'token.dpop-nonces: unknown key (did you mean dpop-nonce?)',
      'authorization.require-pushed-authorization-requests: must be true or false',
      'clients.web.dpop-bound-access-tokens: must be true or false',
      'clients.web.require-pushed-authorization-requests: must be true or false',
    ]));
  });

  it('requires urls', () => {
    expect(parse({}).problems).toContain('urls: is required: a mapping with `root`, the public base URL and issuer');
  });
});
