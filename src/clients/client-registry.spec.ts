import { createHash } from 'node:crypto';
import { inspect } from 'node:util';
import { ConfigErrors } from '../config/config-errors.js';
import { parseConfiguration } from '../config/parse-configuration.js';
import { ScopeRegistry } from '../scopes/scope-registry.js';
import { Client } from './client.js';
import { ClientRegistry } from './client-registry.js';

const ROOT = 'https://issuer.test';
const BCRYPT = '$2b$10$AEBwlb9ymo1FkjgyxppICeai/JpMpijrGvAP2qUQleYLLK2m.TVoq';
const SECRET_HINT = 'is required for a confidential client (set public: true for a client that cannot keep a secret)';
const REDIRECT_REQUIRED = 'at least one redirect URI is required when authorization_code is allowed';

/** Builds the registry from a configuration tree (urls.root preset), as loadConfiguration does. */
function build(tree: Record<string, unknown>) {
  const errors = new ConfigErrors();
  const parsed = parseConfiguration({ urls: { root: ROOT }, ...tree }, errors);
  if (!parsed) throw new Error(`unparsable: ${errors.list.join('; ')}`);
  const scopes = ScopeRegistry.build(parsed, errors);
  const registry = ClientRegistry.build(parsed, scopes, errors);
  return { registry, problems: errors.list };
}

function problemsOf(clients: Record<string, unknown>, rest: Record<string, unknown> = {}): readonly string[] {
  return build({ clients, ...rest }).problems;
}

/** Builds one client that must be valid. */
function client(config: Record<string, unknown>, rest: Record<string, unknown> = {}, id = 'c'): Client {
  const { registry, problems } = build({ clients: { [id]: config }, ...rest });
  expect(problems).toEqual([]);
  return registry.find(id)!;
}

const web = (extra: Record<string, unknown> = {}) => ({ secret: 'web-secret', 'allowed-redirect-uris': ['https://app.test/cb'], ...extra });
const spa = (extra: Record<string, unknown> = {}) => ({ public: true, 'allowed-redirect-uris': ['http://127.0.0.1/cb'], ...extra });
const svc = (extra: Record<string, unknown> = {}) => ({ secret: 'svc-secret', 'allowed-grant-types': ['client_credentials'], ...extra });

describe('ClientRegistry', () => {
  describe('startup rejections (SPEC §1)', () => {
    it('rejects a public client with a secret', () => {
      expect(problemsOf({ spa: spa({ secret: 'spa-secret' }) })).toEqual(['clients.spa.secret: must be omitted for a public client']);
    });

    it('rejects a public client with an empty secret', () => {
      expect(problemsOf({ spa: spa({ secret: '' }) })).toEqual(['clients.spa.secret: must be omitted for a public client']);
    });

    it('rejects a confidential client without a secret, explicit or by default', () => {
      expect(problemsOf({ web: { public: false, 'allowed-redirect-uris': ['https://app.test/cb'] } }))
        .toEqual([`clients.web.secret: ${SECRET_HINT}`]);
      expect(problemsOf({ web: { 'allowed-redirect-uris': ['https://app.test/cb'] } }))
        .toEqual([`clients.web.secret: ${SECRET_HINT}`]);
    });

    it('rejects an empty secret with one line', () => {
      expect(problemsOf({ web: web({ secret: '' }) })).toEqual([`clients.web.secret: ${SECRET_HINT}`]);
    });

    it('rejects a secret that looks like a malformed bcrypt hash', () => {
      expect(problemsOf({ web: web({ secret: '$2b$10$tooshort' }) }))
        .toEqual(['clients.web.secret: looks like a bcrypt hash but is malformed']);
    });

    it('rejects client_credentials on a public client', () => {
      expect(problemsOf({ spa: spa({ 'allowed-grant-types': ['authorization_code', 'client_credentials'] }) }))
        .toEqual(['clients.spa.allowed-grant-types: client_credentials is never allowed for a public client']);
    });

    it('rejects refresh_token without authorization_code', () => {
      expect(problemsOf({ svc: svc({ 'allowed-grant-types': ['client_credentials', 'refresh_token'] }) }))
        .toEqual(['clients.svc.allowed-grant-types: refresh_token requires authorization_code']);
    });

    it('rejects authorization_code without a redirect URI', () => {
      expect(problemsOf({ web: { secret: 's', 'allowed-grant-types': ['authorization_code'] } }))
        .toEqual([`clients.web.allowed-redirect-uris: ${REDIRECT_REQUIRED}`]);
      expect(problemsOf({ web: { secret: 's', 'allowed-grant-types': ['authorization_code'], 'allowed-redirect-uris': [] } }))
        .toEqual([`clients.web.allowed-redirect-uris: ${REDIRECT_REQUIRED}`]);
    });

    it('rejects the default grants (which include authorization_code) without a redirect URI, with a hint', () => {
      const hint = ' (it is by default; set allowed-grant-types: [client_credentials] for a service account)';
      expect(problemsOf({ web: { secret: 's' } })).toEqual([`clients.web.allowed-redirect-uris: ${REDIRECT_REQUIRED}${hint}`]);
      expect(problemsOf({ spa: { public: true } })).toEqual([`clients.spa.allowed-redirect-uris: ${REDIRECT_REQUIRED}${hint}`]);
    });

    it('rejects redirect URIs on a client without authorization_code', () => {
      expect(problemsOf({ svc: svc({ 'allowed-redirect-uris': ['https://app.test/cb'] }) }))
        .toEqual(['clients.svc.allowed-redirect-uris: must be omitted for a client without authorization_code']);
    });

    it('rejects a redirect URI that is not absolute, with the index in the key path', () => {
      expect(problemsOf({ web: web({ 'allowed-redirect-uris': ['https://app.test/cb', '/callback', 'app.test/cb'] }) })).toEqual([
        'clients.web.allowed-redirect-uris.1: /callback is not an absolute URI',
        'clients.web.allowed-redirect-uris.2: app.test/cb is not an absolute URI',
      ]);
    });

    it('rejects a redirect URI with a fragment, even an empty one', () => {
      expect(problemsOf({ web: web({ 'allowed-redirect-uris': ['https://app.test/cb#section', 'https://app.test/cb#'] }) })).toEqual([
        'clients.web.allowed-redirect-uris.0: https://app.test/cb#section must not contain a fragment',
        'clients.web.allowed-redirect-uris.1: https://app.test/cb# must not contain a fragment',
      ]);
    });

    it('rejects a redirect URI that does not parse or contains white space', () => {
      expect(problemsOf({ web: web({ 'allowed-redirect-uris': ['http://[bad/cb', 'https://app.test/a b'] }) })).toEqual([
        'clients.web.allowed-redirect-uris.0: http://[bad/cb is not a valid absolute URI',
        'clients.web.allowed-redirect-uris.1: https://app.test/a b must not contain white space',
      ]);
    });

    it('rejects an unknown grant type', () => {
      expect(problemsOf({ web: web({ 'allowed-grant-types': ['authorization_code', 'password', 'implicit'] }) })).toEqual([
        'clients.web.allowed-grant-types: unknown grant type password (allowed: authorization_code, refresh_token, client_credentials; an extension grant needs its module loaded)',
        'clients.web.allowed-grant-types: unknown grant type implicit (allowed: authorization_code, refresh_token, client_credentials; an extension grant needs its module loaded)',
      ]);
    });

    it('accepts a grant type an extension module registers', () => {
      const errors = new ConfigErrors();
      const parsed = parseConfiguration({ urls: { root: ROOT }, clients: { gw: svc({ 'allowed-grant-types': ['client_credentials', 'urn:x:exchange'] }) } }, errors)!;
      const registry = ClientRegistry.build(parsed, ScopeRegistry.build(parsed, errors), errors, ['urn:x:exchange']);
      expect(errors.list).toEqual([]);
      expect(registry.find('gw')!.allowsGrant('urn:x:exchange')).toBe(true);
    });

    it('rejects an empty grant type list', () => {
      expect(problemsOf({ svc: svc({ 'allowed-grant-types': [] }) })).toEqual(['clients.svc.allowed-grant-types: must list at least one grant type']);
    });

    it('rejects an unknown audience', () => {
      expect(problemsOf({ web: web({ audience: 'billing' }) })).toEqual(['clients.web.audience: unknown audience billing']);
    });

    it('rejects an unknown template', () => {
      expect(problemsOf({ web: web({ template: 'mobile' }) }, { templates: { clients: { default: { name: 'x' } } } }))
        .toEqual(['clients.web.template: unknown template mobile']);
    });

    it('rejects an unknown scope in allowed-scopes and in default-scopes', () => {
      expect(problemsOf({ web: web({ 'allowed-scopes': ['openid', 'invoices:read'], 'default-scopes': ['openid', 'reports'] }) })).toEqual([
        'clients.web.allowed-scopes: unknown scope invoices:read',
        'clients.web.default-scopes: unknown scope reports',
      ]);
    });

    it('rejects a default scope outside allowed-scopes', () => {
      expect(problemsOf({ web: web({ 'allowed-scopes': ['openid'], 'default-scopes': ['profile'] }) }))
        .toEqual(['clients.web.default-scopes: scope profile is not in allowed-scopes']);
    });

    it('rejects an empty client id', () => {
      expect(problemsOf({ '': svc() })).toEqual(['clients: a client id must not be empty']);
      expect(problemsOf({ '  ': svc() })).toEqual(['clients: a client id must not be empty']);
    });

    it('rejects a client id that is not printable ASCII', () => {
      expect(problemsOf({ 'café': svc() })).toEqual(['clients.café: a client id must be printable ASCII']);
    });

    it('rejects a client id equal to a username', () => {
      const users = { alice: { password: BCRYPT } };
      expect(problemsOf({ alice: svc() }, { users }))
        .toEqual(['clients.alice: client id equals the username alice: a sub must never be ambiguous (RFC 9700 §4.15)']);
    });

    it('rejects an unknown key on a client and on a template', () => {
      expect(problemsOf({ web: web({ 'allowed-redirect-uri': ['https://app.test/cb'], Public: true }) },
        { templates: { clients: { default: { 'default-scope': ['openid'] } } } })).toEqual([
        'templates.clients.default.default-scope: unknown key (did you mean default-scopes?)',
        'clients.web.allowed-redirect-uri: unknown key (did you mean allowed-redirect-uris?)',
        'clients.web.Public: unknown key (did you mean public?)',
      ]);
    });

    it('rejects an id key inside a client or template (the id is the map key)', () => {
      expect(problemsOf({ web: web({ id: 'web' }) })).toEqual(['clients.web.id: unknown key']);
    });

    it('rejects values of the wrong type with their key path', () => {
      expect(problemsOf({ web: web({ public: 'no', 'allowed-scopes': 'openid', uris: { app: 3 } }) })).toEqual([
        'clients.web.public: must be true or false',
        'clients.web.allowed-scopes: must be a list of scopes',
        'clients.web.uris: must be a mapping of names to URIs',
      ]);
    });

    it('reports every problem of every client at once', () => {
      const problems = problemsOf({
        spa: spa({ secret: 'x', 'allowed-grant-types': ['client_credentials'] }),
        web: { 'allowed-redirect-uris': ['/cb'], audience: 'nowhere' },
      });
      expect(problems).toEqual([
        'clients.spa.secret: must be omitted for a public client',
        'clients.spa.allowed-grant-types: client_credentials is never allowed for a public client',
        `clients.web.secret: ${SECRET_HINT}`,
        'clients.web.allowed-redirect-uris.0: /cb is not an absolute URI',
        'clients.web.audience: unknown audience nowhere',
      ]);
    });

    it('leaves rejected clients out of the registry and keeps the valid ones', () => {
      const { registry } = build({ clients: { good: svc(), bad: spa({ secret: 'x' }) } });
      expect(registry.find('good')).toBeInstanceOf(Client);
      expect(registry.find('bad')).toBeUndefined();
      expect(registry.all.map((c) => c.id)).toEqual(['good']);
    });
  });

  describe('defaults', () => {
    it('makes a client confidential unless public: true', () => {
      expect(client(web()).isPublic).toBe(false);
      expect(client(web()).isConfidential).toBe(true);
      expect(client(web({ public: false })).isPublic).toBe(false);
      expect(client(spa()).isPublic).toBe(true);
      expect(client(spa()).isConfidential).toBe(false);
    });

    it('allows all three grants to a confidential client by default', () => {
      const c = client(web());
      expect([...c.grantTypes]).toEqual(['authorization_code', 'refresh_token', 'client_credentials']);
      expect(c.allowsGrant('client_credentials')).toBe(true);
    });

    it('allows authorization_code and refresh_token to a public client by default', () => {
      const c = client(spa());
      expect([...c.grantTypes]).toEqual(['authorization_code', 'refresh_token']);
      expect(c.allowsGrant('client_credentials')).toBe(false);
      expect(c.allowsGrant('password')).toBe(false);
    });

    it('keeps configured grant types, without duplicates', () => {
      const c = client(web({ 'allowed-grant-types': ['authorization_code', 'authorization_code'] }));
      expect([...c.grantTypes]).toEqual(['authorization_code']);
      expect(c.allowsGrant('refresh_token')).toBe(false);
    });

    it('allows every configured scope when allowed-scopes is absent or empty', () => {
      const scopes = { 'invoices:read': {}, 'reports:write': { description: 'Publish reports' } };
      const all = ['openid', 'profile', 'email', 'address', 'phone', 'invoices:read', 'reports:write'];
      expect([...client(web(), { scopes }).allowedScopes]).toEqual(all);
      expect([...client(web({ 'allowed-scopes': [] }), { scopes }).allowedScopes]).toEqual(all);
    });

    it('restricts to allowed-scopes when given', () => {
      const c = client(web({ 'allowed-scopes': ['openid', 'invoices:read'] }), { scopes: { 'invoices:read': {} } });
      expect([...c.allowedScopes]).toEqual(['openid', 'invoices:read']);
    });

    it('has no default scopes unless configured', () => {
      expect(client(web()).defaultScopes).toEqual([]);
      expect(client(web({ 'default-scopes': ['openid', 'email'] })).defaultScopes).toEqual(['openid', 'email']);
    });

    it('uses the default audience, whose token audience is "default" unless configured', () => {
      expect(client(web()).audience).toEqual({ id: 'default', tokenAudience: 'default' });
      expect(client(web(), { audiences: { default: { 'token-audience': 'https://api.test' } } }).audience)
        .toEqual({ id: 'default', tokenAudience: 'https://api.test' });
    });

    it('uses a configured audience, its token audience defaulting to its id', () => {
      const audiences = { billing: { 'token-audience': 'https://billing.test' }, reports: {} };
      expect(client(web({ audience: 'billing' }), { audiences }).audience).toEqual({ id: 'billing', tokenAudience: 'https://billing.test' });
      expect(client(web({ audience: 'reports' }), { audiences }).audience).toEqual({ id: 'reports', tokenAudience: 'reports' });
    });

    it('names a client by its id unless a name is configured', () => {
      expect(client(web(), {}, 'web-app').name).toBe('web-app');
      expect(client(web({ name: 'The web app' })).name).toBe('The web app');
    });

    it('has no named URIs by default', () => {
      expect(client(web()).uris).toEqual({});
    });
  });

  describe('templates', () => {
    const templates = {
      clients: {
        default: { 'allowed-scopes': ['openid', 'profile'], 'default-scopes': ['openid'], audience: 'billing' },
        spa: { public: true, 'allowed-redirect-uris': ['http://127.0.0.1/cb'], 'allowed-scopes': ['openid', 'email'] },
      },
    };
    const audiences = { billing: {} };

    it('applies the default template to a client that names none', () => {
      const c = client(web(), { templates, audiences });
      expect([...c.allowedScopes]).toEqual(['openid', 'profile']);
      expect(c.defaultScopes).toEqual(['openid']);
      expect(c.audience.id).toBe('billing');
    });

    it('applies only the named template, not the default one', () => {
      const c = client({ template: 'spa' }, { templates, audiences });
      expect(c.isPublic).toBe(true);
      expect(c.redirectUris).toEqual(['http://127.0.0.1/cb']);
      expect(client({ template: 'spa' }, { templates, audiences }).audience.id).toBe('default');
      expect(client({ template: 'spa' }, { templates, audiences }).defaultScopes).toEqual([]);
      expect([...client({ template: 'spa' }, { templates, audiences }).allowedScopes]).toEqual(['openid', 'email']);
    });

    it('lets keys set on the client win over the template', () => {
      const c = client({ template: 'spa', 'allowed-redirect-uris': ['com.example.app:/cb'], 'allowed-scopes': ['phone'] }, { templates });
      expect(c.isPublic).toBe(true);
      expect(c.redirectUris).toEqual(['com.example.app:/cb']);
      expect([...c.allowedScopes]).toEqual(['phone']);
      expect(client(web({ audience: 'default', 'default-scopes': [] }), { templates, audiences }).audience.id).toBe('default');
    });

    it('lets a template provide the secret and grant types of a service account', () => {
      const c = client({}, { templates: { clients: { default: svc() } } });
      expect(c.secret?.kind).toBe('plain');
      expect([...c.grantTypes]).toEqual(['client_credentials']);
    });

    it('applies the rules to the merged client', () => {
      expect(problemsOf({ spa: { template: 'spa', secret: 'x' } }, { templates }))
        .toEqual(['clients.spa.secret: must be omitted for a public client']);
    });

    describe('default-scopes inherited from a template (SPEC §1)', () => {
      const shared = { clients: { default: { 'default-scopes': ['openid', 'profile'] } } };
      const billing = { scopes: { 'billing.read': {} } };

      it('accepts a service account whose allowed-scopes exclude every inherited default scope: it gets none', () => {
        const c = client(svc({ 'allowed-scopes': ['billing.read'] }), { templates: shared, ...billing }, 'billing-job');
        expect([...c.allowedScopes]).toEqual(['billing.read']);
        expect(c.defaultScopes).toEqual([]);
      });

      it('keeps the inherited default scopes that the client allows, in the template order', () => {
        const c = client(web({ 'allowed-scopes': ['profile', 'email'] }), { templates: shared });
        expect(c.defaultScopes).toEqual(['profile']);
      });

      it('keeps every inherited default scope when allowed-scopes is empty (all scopes)', () => {
        expect(client(web(), { templates: shared }).defaultScopes).toEqual(['openid', 'profile']);
      });

      it('filters the default scopes of a named template against allowed-scopes inherited with them', () => {
        const templates = { clients: { narrow: { 'allowed-scopes': ['openid'], 'default-scopes': ['openid', 'profile'] } } };
        expect(client(web({ template: 'narrow' }), { templates }).defaultScopes).toEqual(['openid']);
      });

      it('still rejects default-scopes written on the client outside its allowed-scopes', () => {
        expect(problemsOf({ 'billing-job': svc({ 'allowed-scopes': ['billing.read'], 'default-scopes': ['openid'] }) }, { templates: shared, ...billing }))
          .toEqual(['clients.billing-job.default-scopes: scope openid is not in allowed-scopes']);
      });

      it('still rejects an unknown scope inherited from a template', () => {
        const templates = { clients: { default: { 'default-scopes': ['openid', 'reports'] } } };
        expect(problemsOf({ web: web() }, { templates })).toEqual(['clients.web.default-scopes: unknown scope reports']);
      });
    });

    it('works without any template', () => {
      expect(client(web(), { templates: { clients: {} } }).id).toBe('c');
    });

    it('gives the DPoP and PAR requirements of a template to its clients, the client\'s own key winning (SPEC §5)', () => {
      const strict = { clients: { default: { 'dpop-bound-access-tokens': true, 'require-pushed-authorization-requests': true } } };
      const c = client(web(), { templates: strict });
      expect([c.dpopBoundAccessTokens, c.requirePushedAuthorizationRequests]).toEqual([true, true]);
      const relaxed = client(web({ 'dpop-bound-access-tokens': false }), { templates: strict });
      expect([relaxed.dpopBoundAccessTokens, relaxed.requirePushedAuthorizationRequests]).toEqual([false, true]);
      const plain = client(web());
      expect([plain.dpopBoundAccessTokens, plain.requirePushedAuthorizationRequests]).toEqual([false, false]);
    });
  });

  describe('redirect URI references', () => {
    it('resolves ${urls.root} without doubling the slash', () => {
      expect(client(web({ 'allowed-redirect-uris': ['${urls.root}/cb'] })).redirectUris).toEqual([`${ROOT}/cb`]);
      const { registry, problems } = build({ urls: { root: 'https://issuer.test/base/' }, clients: { c: web({ 'allowed-redirect-uris': ['${urls.root}/cb'] }) } });
      expect(problems).toEqual([]);
      expect(registry.find('c')!.redirectUris).toEqual(['https://issuer.test/base/cb']);
    });

    it('resolves ${client.uris.<key>} from the client, or from its template', () => {
      expect(client(web({ uris: { app: 'https://app.test', 'api-v2': 'https://api.test' }, 'allowed-redirect-uris': ['${client.uris.app}/cb', '${client.uris.api-v2}/oauth?x=1'] })).redirectUris)
        .toEqual(['https://app.test/cb', 'https://api.test/oauth?x=1']);
      expect(client(web({ 'allowed-redirect-uris': ['${client.uris.app}/cb'] }), { templates: { clients: { default: { uris: { app: 'https://tpl.test' } } } } }).redirectUris)
        .toEqual(['https://tpl.test/cb']);
    });

    it('keeps the named URIs on the client', () => {
      expect(client(web({ uris: { app: 'https://app.test' } })).uris).toEqual({ app: 'https://app.test' });
    });

    it('drops duplicate redirect URIs after resolution', () => {
      expect(client(web({ uris: { app: ROOT }, 'allowed-redirect-uris': ['${urls.root}/cb', '${client.uris.app}/cb'] })).redirectUris).toEqual([`${ROOT}/cb`]);
    });

    it('rejects an unknown reference with the index in the key path', () => {
      expect(problemsOf({ web: web({ uris: { app: 'https://app.test' }, 'allowed-redirect-uris': ['https://ok.test/cb', '${client.uris.nope}/cb', '${urls.base}/cb', '${client.name}'] }) })).toEqual([
        'clients.web.allowed-redirect-uris.1: unknown reference ${client.uris.nope} (use ${urls.root} or ${client.uris.<key>})',
        'clients.web.allowed-redirect-uris.2: unknown reference ${urls.base} (use ${urls.root} or ${client.uris.<key>})',
        'clients.web.allowed-redirect-uris.3: unknown reference ${client.name} (use ${urls.root} or ${client.uris.<key>})',
      ]);
    });

    it('does not resolve inherited object properties as named URIs', () => {
      expect(problemsOf({ web: web({ 'allowed-redirect-uris': ['${client.uris.constructor}/cb', '${client.uris.toString}'] }) })).toEqual([
        'clients.web.allowed-redirect-uris.0: unknown reference ${client.uris.constructor} (use ${urls.root} or ${client.uris.<key>})',
        'clients.web.allowed-redirect-uris.1: unknown reference ${client.uris.toString} (use ${urls.root} or ${client.uris.<key>})',
      ]);
    });

    it('validates the resolved URI', () => {
      expect(problemsOf({ web: web({ uris: { app: 'app.test' }, 'allowed-redirect-uris': ['${client.uris.app}/cb', '${urls.root}/cb#x'] }) })).toEqual([
        'clients.web.allowed-redirect-uris.0: app.test/cb is not an absolute URI',
        `clients.web.allowed-redirect-uris.1: ${ROOT}/cb#x must not contain a fragment`,
      ]);
    });

    it('accepts custom schemes and loopback URIs', () => {
      expect(client(spa({ 'allowed-redirect-uris': ['com.example.app:/oauth2redirect', 'http://[::1]/cb', 'http://localhost:8080/cb'] })).redirectUris)
        .toEqual(['com.example.app:/oauth2redirect', 'http://[::1]/cb', 'http://localhost:8080/cb']);
    });
  });

  describe('secrets', () => {
    it('keeps a plain secret only as its SHA-256 digest', () => {
      const c = client(web({ secret: 'plain-secret-value' }));
      expect(c.secret).toEqual({ kind: 'plain', sha256: createHash('sha256').update('plain-secret-value').digest() });
      expect(JSON.stringify(c)).not.toContain('plain-secret-value');
      expect(inspect(c, { depth: 10 })).not.toContain('plain-secret-value');
      expect(Object.values(c).some((v) => typeof v === 'string' && v.includes('plain-secret-value'))).toBe(false);
    });

    it('keeps a bcrypt hash as configured ($2a$, $2b$, $2y$)', () => {
      for (const prefix of ['$2a$', '$2b$', '$2y$']) {
        const hash = prefix + BCRYPT.slice(4);
        expect(client(web({ secret: hash })).secret).toEqual({ kind: 'bcrypt', hash });
      }
    });

    it('never shows the secret nor its digest in the JSON of a client', () => {
      const json = JSON.stringify(client(web({ secret: BCRYPT })));
      expect(json).not.toContain(BCRYPT);
      expect(JSON.parse(json)).toEqual({ id: 'c', public: false, grantTypes: ['authorization_code', 'refresh_token', 'client_credentials'] });
      const digest = createHash('sha256').update('web-secret').digest();
      const plainJson = JSON.stringify(client(web()));
      expect(plainJson).not.toContain('web-secret');
      expect(plainJson).not.toContain(digest.toString('hex'));
      expect(plainJson).not.toContain(digest.toString('base64'));
    });

    it('has no secret on a public client', () => {
      expect(client(spa()).secret).toBeUndefined();
    });
  });

  describe('Client objects', () => {
    it('are immutable', () => {
      const c = client(web());
      expect(Object.isFrozen(c)).toBe(true);
      expect(Object.isFrozen(c.redirectUris)).toBe(true);
      expect(() => { (c as { isPublic: boolean }).isPublic = true; }).toThrow(TypeError);
      expect(() => { (c.redirectUris as string[]).push('https://evil.test/cb'); }).toThrow(TypeError);
    });

    it('match a redirect URI exactly, returning the registered one', () => {
      const c = client(web({ 'allowed-redirect-uris': ['https://app.test/cb', 'http://127.0.0.1/native'] }));
      expect(c.matchRedirectUri('https://app.test/cb')).toBe('https://app.test/cb');
      expect(c.matchRedirectUri('https://app.test/cb/')).toBeUndefined();
      expect(c.matchRedirectUri('http://127.0.0.1:4711/native')).toBe('http://127.0.0.1/native');
    });

    it('are looked up by exact id', () => {
      const { registry } = build({ clients: { Web: web() } });
      expect(registry.find('Web')?.id).toBe('Web');
      expect(registry.find('web')).toBeUndefined();
      expect(registry.find('toString')).toBeUndefined();
    });
  });
});
