import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { ConfigurationError } from '../config/config-errors.js';
import { ConfigurationSnapshot } from './configuration-snapshot.js';
import { loadConfiguration } from './load-configuration.js';
import { validateEnvironment } from '../config/environment.js';

let dir: string;
beforeAll(() => { dir = mkdtempSync(join(tmpdir(), 'load-configuration-')); });
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let counter = 0;
function file(config: Record<string, unknown> | string, extension = 'yml'): string {
  const path = join(dir, `config-${++counter}.${extension}`);
  writeFileSync(path, typeof config === 'string' ? config : stringify(config));
  return path;
}

/** The problems a configuration is rejected with (fails the test when it is accepted). */
function problemsOf(files: string[], env: Record<string, string | undefined> = {}): readonly string[] {
  try {
    loadConfiguration({ files, env });
  } catch (e) {
    expect(e).toBeInstanceOf(ConfigurationError);
    return (e as ConfigurationError).problems;
  }
  throw new Error('the configuration was accepted');
}

function load(files: string[], env: Record<string, string | undefined> = {}): ConfigurationSnapshot {
  return loadConfiguration({ files, env });
}

describe('loadConfiguration', () => {
  it('loads a configuration with only the four seed keys per client', () => {
    const config = load([file({
      urls: { root: 'http://localhost:3000/' },
      clients: {
        web: { public: false, secret: 'web-secret', 'allowed-redirect-uris': ['https://web.test/cb'] },
        spa: { public: true, 'allowed-redirect-uris': ['http://127.0.0.1/cb'] },
      },
    })]);
    const web = config.clients.find('web')!;
    expect(web.isPublic).toBe(false);
    expect([...web.grantTypes]).toEqual(['authorization_code', 'refresh_token', 'client_credentials']);
    expect(web.redirectUris).toEqual(['https://web.test/cb']);
    expect(web.secret?.kind).toBe('plain');
    const spa = config.clients.find('spa')!;
    expect(spa.isPublic).toBe(true);
    expect([...spa.grantTypes]).toEqual(['authorization_code', 'refresh_token']);
    expect(spa.matchRedirectUri('http://127.0.0.1:51234/cb')).toBe('http://127.0.0.1/cb');
    expect(config.issuer).toBe('http://localhost:3000');
    expect(config.store.type).toBe('memory');
  });

  it('expands environment variables and files before validation', () => {
    const secretFile = join(dir, 'svc-secret');
    writeFileSync(secretFile, 'svc-secret-from-file\n');
    const config = load([file({
      urls: { root: '${ROOT_URL:http://localhost:3000}' },
      clients: {
        web: { secret: '${WEB_SECRET}', uris: { app: '${APP_URL}' }, 'allowed-redirect-uris': ['${client.uris.app}/cb', '${urls.root}/own'] },
        svc: { secret: `\${file:${secretFile}}`, 'allowed-grant-types': ['client_credentials'] },
      },
    })], { WEB_SECRET: 'w', APP_URL: 'https://app.test', ROOT_URL: 'https://issuer.test/' });
    expect(config.issuer).toBe('https://issuer.test');
    expect(config.clients.find('web')!.redirectUris).toEqual(['https://app.test/cb', 'https://issuer.test/own']);
    expect(config.clients.find('svc')!.secret?.kind).toBe('plain');
  });

  it('reads SYMPAUTHY_CONFIG from the given environment, merging files in order', () => {
    const base = file({ urls: { root: 'http://base.test' }, clients: { svc: { secret: 's', 'allowed-grant-types': ['client_credentials'] } } });
    const override = file(JSON.stringify({ urls: { root: 'http://override.test' } }), 'json');
    const env = { SYMPAUTHY_CONFIG: ` ${base} , ${override} ` };
    const config = loadConfiguration({ files: validateEnvironment(env).configFiles, env });
    expect(config.files).toEqual([base, override]);
    expect(config.issuer).toBe('http://override.test');
    expect(config.clients.find('svc')).toBeDefined();
  });

  it('loads the example configuration shipped in config/', () => {
    const config = load(['config/sympauthy.yml']);
    expect(config.clients.all.length).toBeGreaterThan(0);
  });

  it('reports every problem at once, one line each with its key path', () => {
    const problems = problemsOf([file({
      urls: { root: 'http://localhost:3000' },
      clients: {
        web: { secret: 'web-secret', 'allowed-redirect-uri': ['https://web.test/cb'], 'allowed-grant-types': ['client_credentials'] },
        spa: { public: true, secret: 'spa-secret', 'allowed-redirect-uris': ['http://127.0.0.1/cb'] },
        svc: { secret: 's', name: '${SVC_NAME}', 'allowed-grant-types': ['client_credentials'] },
      },
      token: { 'access-token': { lifespan: '15 minutes' } },
    })]);
    expect(problems).toEqual([
      'clients.svc.name: environment variable SVC_NAME is not set and has no default',
      'token.access-token.lifespan: must be a duration such as 60s, 15m, 12h or 30d',
      'clients.web.allowed-redirect-uri: unknown key (did you mean allowed-redirect-uris?)',
      'clients.spa.secret: must be omitted for a public client',
    ]);
  });

  it('reports problems of several files, of the expansion and of the registries together', () => {
    const broken = file('clients:\n  a: 1\n  a: 2\n');
    const missing = join(dir, 'missing.yml');
    const problems = problemsOf([file({
      urls: { root: 'http://localhost:3000' },
      users: { alice: { password: '$2b$10$AEBwlb9ymo1FkjgyxppICeai/JpMpijrGvAP2qUQleYLLK2m.TVoq' } },
      clients: {
        alice: { secret: 's', 'allowed-grant-types': ['client_credentials'] },
        svc: { secret: '${SVC_SECRET}', 'allowed-grant-types': ['client_credentials'], audience: 'nowhere' },
      },
      store: { type: 'redis' },
    }), broken, missing]);
    expect(problems).toEqual(expect.arrayContaining([
      expect.stringMatching(new RegExp(`^${broken}: .*unique`, 'i')),
      `cannot read configuration file ${missing} (ENOENT)`,
      'clients.svc.secret: environment variable SVC_SECRET is not set and has no default',
      'clients.svc.audience: unknown audience nowhere',
      expect.stringMatching(/^clients\.alice: client id equals the username alice/),
      'store.url: is required when store.type is redis (or store.cluster, for a Redis Cluster)',
    ]));
  });

  it('rejects duplicate client ids in one file', () => {
    const path = file('urls:\n  root: http://localhost:3000\nclients:\n  web:\n    secret: a\n    allowed-grant-types: [client_credentials]\n  web:\n    secret: b\n');
    const problems = problemsOf([path]);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/unique/i);
    expect(problems[0]).toContain(path);
  });

  it('reports a missing urls section and still validates the clients', () => {
    const problems = problemsOf([file({
      clients: { spa: { public: true, secret: 'x', 'allowed-redirect-uris': ['${urls.root}/cb'] } },
    })]);
    expect(problems).toEqual(expect.arrayContaining([
      'urls: is required: a mapping with `root`, the public base URL and issuer',
      'clients.spa.secret: must be omitted for a public client',
    ]));
  });

  it('reports an invalid urls.root and still validates the clients', () => {
    const problems = problemsOf([file({
      urls: { root: 'localhost:3000' },
      clients: { spa: { public: true, 'allowed-redirect-uris': ['${urls.root}/cb', 'https://ok.test/cb#frag'] } },
    })]);
    expect(problems).toEqual(expect.arrayContaining([
      'urls.root: must be an absolute http(s) URL without query or fragment',
      'clients.spa.allowed-redirect-uris.1: https://ok.test/cb#frag must not contain a fragment',
    ]));
  });

  it('reports a __proto__ key as an unknown key', () => {
    const problems = problemsOf([file('urls:\n  root: http://localhost:3000\nclients:\n  spa:\n    public: true\n    allowed-redirect-uris: [http://127.0.0.1/cb]\n    __proto__:\n      public: false\n')]);
    expect(problems).toEqual(['clients.spa.__proto__: unknown key']);
  });

  it('fails on an empty configuration with the missing urls', () => {
    expect(problemsOf([file('')])).toEqual(['urls: is required: a mapping with `root`, the public base URL and issuer']);
  });

  it('fails on a missing file alone', () => {
    const missing = join(dir, 'nothing-here.yml');
    expect(problemsOf([missing])).toEqual([`cannot read configuration file ${missing} (ENOENT)`]);
  });

  it('never puts a secret from the configuration or the environment into a problem', () => {
    const problems = problemsOf([file({
      urls: { root: 'http://localhost:3000' },
      clients: {
        spa: { public: true, secret: 'spa-plain-secret-value', 'allowed-redirect-uris': ['http://127.0.0.1/cb'] },
        web: { secret: '${WEB_SECRET}', 'allowed-redirect-uris': ['https://web.test/${MISSING_PATH}'] },
        svc: { secret: 'svc-plain-secret-value', 'allowed-grant-types': ['client_credentials', 'password'] },
      },
    })], { WEB_SECRET: 'web-env-secret-value' });
    expect(problems.length).toBeGreaterThanOrEqual(3);
    for (const problem of problems) expect(problem).not.toMatch(/secret-value/);
  });
});

describe('loadConfiguration: an unresolved reference', () => {
  it('is reported once, not again as the empty value it left behind', async () => {
    const { writeFileSync, mkdtempSync } = await import('node:fs');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const dir = mkdtempSync(join(tmpdir(), 'unresolved-'));
    const file = join(dir, 'c.yml');
    writeFileSync(file, 'urls:\n  root: http://x.test\nclients:\n  svc:\n    secret: ${SVC_SECRET}\n    allowed-grant-types: [client_credentials]\n');
    const { loadConfiguration } = await import('./load-configuration.js');
    const { ConfigurationError } = await import('../config/config-errors.js');
    let problems: readonly string[] = [];
    try {
      loadConfiguration({ files: [file], env: {} });
    } catch (e) {
      if (e instanceof ConfigurationError) problems = e.problems;
    }
    expect(problems).toEqual(['clients.svc.secret: environment variable SVC_SECRET is not set and has no default']);
  });
});

describe('loadConfiguration: what a reload needs', () => {
  const keyFile = (name: string) => {
    const path = join(dir, name);
    writeFileSync(path, generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' }));
    return path;
  };

  it('lists every file it read in sources: configuration files, ${file:…} references, key files', () => {
    const secret = join(dir, 'svc-secret-for-sources');
    writeFileSync(secret, 's\n');
    const accessKey = keyFile('at-sources.pem');
    const config = file({
      urls: { root: 'http://localhost:3000' },
      clients: { svc: { secret: `\${file:${secret}}`, 'allowed-grant-types': ['client_credentials'] } },
      keys: { 'access-token': [{ id: 'at', 'private-key-file': accessKey }] },
    });
    expect([...load([config]).sources].sort()).toEqual([config, secret, accessKey].sort());
  });

  it('fills the given sources set also when the configuration is refused', () => {
    const missing = join(dir, 'not-mounted-yet');
    const sources = new Set<string>();
    const config = file({ urls: { root: 'http://localhost:3000' }, clients: { svc: { secret: `\${file:${missing}}`, 'allowed-grant-types': ['client_credentials'] } } });
    expect(() => loadConfiguration({ files: [config], env: {}, sources })).toThrow(ConfigurationError);
    expect([...sources].sort()).toEqual([config, missing].sort());
  });

  it('changes the hash when a key file changes, not only its path', () => {
    const accessKey = keyFile('at-hash.pem');
    const config = file({
      urls: { root: 'http://localhost:3000' },
      keys: { 'access-token': [{ id: 'at', 'private-key-file': accessKey }], 'id-token': [{ id: 'it', 'private-key-file': keyFile('it-hash.pem') }] },
    });
    const before = load([config]).hash;
    expect(load([config]).hash).toBe(before);
    keyFile('at-hash.pem');
    expect(load([config]).hash).not.toBe(before);
  });

  it('keeps the keys generated for the previous snapshot where none is configured, and only there', () => {
    const bare = file({ urls: { root: 'http://localhost:3000' } });
    const first = load([bare]);
    const again = loadConfiguration({ files: [bare], env: {}, previous: first });
    expect(again.keys.jwks()).toEqual(first.keys.jwks());
    expect(again.hash).toBe(first.hash);
    expect(load([bare]).keys.active('access-token').id).not.toBe(first.keys.active('access-token').id);

    const configured = file({ urls: { root: 'http://localhost:3000' }, keys: { 'access-token': [{ id: 'at', 'private-key-file': keyFile('at-kept.pem') }] } });
    const mixed = loadConfiguration({ files: [configured], env: {}, previous: first });
    expect(mixed.keys.active('access-token').id).toBe('at');
    expect(mixed.keys.active('id-token')).toBe(first.keys.active('id-token'));
  });
});
