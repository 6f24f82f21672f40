import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigErrors, ConfigurationError } from './config-errors.js';
import { loadConfiguration } from '../live-config/load-configuration.js';
import { parseConfiguration } from './parse-configuration.js';
import { parseHostPort } from './store-config-rules.js';

/** The `store` section: every Redis key, and the messages naming the key path. */
function problemsOf(store: Record<string, unknown>): readonly string[] {
  const errors = new ConfigErrors();
  parseConfiguration({ urls: { root: 'http://localhost:3000' }, store }, errors);
  return errors.list;
}

describe('store configuration', () => {
  let dir: string;
  let pem: string;
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'store-config-'));
    pem = join(dir, 'ca.pem');
    writeFileSync(pem, '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n');
    writeFileSync(join(dir, 'not.pem'), 'hello');
  });
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('accepts one node, or a cluster, with every Redis key', () => {
    expect(problemsOf({
      type: 'redis', url: 'rediss://user:secret@redis.example.com:6380/2', 'key-prefix': 'auth:', username: 'app', password: 'p',
      tls: { 'ca-file': pem, 'cert-file': pem, 'key-file': pem, 'server-name': 'redis.internal' },
      'connect-timeout': '3s', 'command-timeout': '500ms', 'allow-generated-keys': true,
    })).toEqual([]);
    expect(problemsOf({ type: 'redis', cluster: ['10.0.0.1:6379', 'redis-1.redis:6379', '[::1]:7000'], tls: {} })).toEqual([]);
    expect(problemsOf({ type: 'redis', url: 'redis://127.0.0.1' })).toEqual([]);
  });

  it('needs store.url or store.cluster with type redis, and not both', () => {
    expect(problemsOf({ type: 'redis' })).toEqual(['store.url: is required when store.type is redis (or store.cluster, for a Redis Cluster)']);
    expect(problemsOf({ type: 'redis', url: 'redis://a:6379', cluster: ['b:6379'] })).toEqual([
      'store.cluster: is set together with store.url: use store.url for one node or store.cluster for a Redis Cluster, not both',
    ]);
  });

  it('refuses Redis keys without type redis, naming each', () => {
    expect(problemsOf({ url: 'redis://a:6379', 'key-prefix': 'x:', 'command-timeout': '1s', password: 'p' })).toEqual([
      'store.url: is a Redis setting but store.type is memory (the default); add `type: redis` or remove it',
      'store.password: is a Redis setting but store.type is memory (the default); add `type: redis` or remove it',
      'store.key-prefix: is a Redis setting but store.type is memory (the default); add `type: redis` or remove it',
      'store.command-timeout: is a Redis setting but store.type is memory (the default); add `type: redis` or remove it',
    ]);
    expect(problemsOf({ type: 'memory', cluster: ['a:1'] })).toEqual([
      'store.cluster: is a Redis setting but store.type is memory; add `type: redis` or remove it',
    ]);
  });

  it('reports a malformed URL, cluster, prefix or timeout', () => {
    expect(problemsOf({ type: 'redis', url: 'http://redis:6379' })).toEqual(['store.url: must be a redis:// or rediss:// URL']);
    expect(problemsOf({ type: 'redis', url: 'redis://redis:6379/0?tls=true' })).toEqual(['store.url: must not have a query or fragment: write the options as store keys']);
    expect(problemsOf({ type: 'redis', url: 'redis://redis:6379/zero' })).toEqual(['store.url: path must be a database number, e.g. redis://redis:6379/0']);
    expect(problemsOf({ type: 'redis', cluster: [] })).toEqual(['store.cluster: must be a non-empty list of host:port seed nodes']);
    expect(problemsOf({ type: 'redis', cluster: ['a:6379', 'b'] })).toEqual(['store.cluster: must be a list of host:port seed nodes; "b" is not']);
    expect(problemsOf({ type: 'redis', cluster: ['a:70000'] })).toEqual(['store.cluster: must be a list of host:port seed nodes; "a:70000" is not']);
    expect(problemsOf({ type: 'redis', url: 'redis://a', 'key-prefix': 'auth:{x}:' })).toEqual([
      'store.key-prefix: must not contain { or }: the store puts the keys of one grant in one cluster slot with its own hash tags',
    ]);
    expect(problemsOf({ type: 'redis', url: 'redis://a', 'command-timeout': '0s', 'connect-timeout': 'soon' })).toEqual([
      'store.connect-timeout: must be a positive duration such as 500ms, 2s or 1m',
      'store.command-timeout: must be a positive duration such as 500ms, 2s or 1m',
    ]);
  });

  it('refuses TLS settings on a plain redis:// URL, and checks the TLS files', () => {
    expect(problemsOf({ type: 'redis', url: 'redis://a:6379', tls: { 'ca-file': pem } })).toEqual([
      'store.tls: is set but store.url is redis:// (plain TCP): use a rediss:// URL to connect with TLS',
    ]);
    expect([...problemsOf({ type: 'redis', url: 'rediss://a', tls: { 'ca-file': join(dir, 'missing.pem'), 'cert-file': pem, colour: 1 } })].sort()).toEqual([
      `store.tls.ca-file: cannot read ${join(dir, 'missing.pem')} (ENOENT)`,
      'store.tls.cert-file: and store.tls.key-file go together (a client certificate and its private key)',
      'store.tls.colour: unknown key',
    ]);
    expect(problemsOf({ type: 'redis', url: 'rediss://a', tls: { 'ca-file': join(dir, 'not.pem') } })).toEqual([
      `store.tls.ca-file: ${join(dir, 'not.pem')} is not a PEM file`,
    ]);
  });

  it('parses cluster seed nodes, IPv6 included', () => {
    expect(parseHostPort('redis-0.redis:6379')).toEqual({ host: 'redis-0.redis', port: 6379 });
    expect(parseHostPort('[::1]:7000')).toEqual({ host: '::1', port: 7000 });
  });

  it('refuses generated signing keys with the Redis store, unless allow-generated-keys says development', () => {
    const path = join(dir, 'redis.yml');
    writeFileSync(path, 'urls:\n  root: http://localhost:3000\nstore:\n  type: redis\n  url: redis://127.0.0.1:6379\n');
    let problems: readonly string[] = [];
    try {
      loadConfiguration({ files: [path], env: {} });
    } catch (e) {
      problems = (e as ConfigurationError).problems;
    }
    const why = 'is required with store.type redis: replicas sharing a store must sign with the same configured keys ' +
      '(generated keys differ per replica). For development only, store.allow-generated-keys: true allows them';
    expect(problems).toEqual([`keys.access-token: ${why}`, `keys.id-token: ${why}`]);

    writeFileSync(path, 'urls:\n  root: http://localhost:3000\nstore:\n  type: redis\n  url: redis://127.0.0.1:6379\n  allow-generated-keys: true\n');
    expect(loadConfiguration({ files: [path], env: {} }).keys.accessToken).toHaveLength(1);
  });
});
