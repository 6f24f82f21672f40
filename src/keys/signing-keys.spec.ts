import { generateKeyPairSync } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigErrors, ConfigurationError } from '../config/config-errors.js';
import { loadConfiguration } from '../live-config/load-configuration.js';
import { KeyConfig } from '../config/sympauthy-config.js';
import { SigningKeys } from './signing-keys.js';

type KeyKind = 'P-256' | 'P-384' | 'RSA-2048' | 'RSA-1024' | 'Ed25519';

function privateKey(kind: KeyKind): KeyObject {
  switch (kind) {
    case 'P-256': return generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey;
    case 'P-384': return generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey;
    case 'RSA-2048': return generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
    case 'RSA-1024': return generateKeyPairSync('rsa', { modulusLength: 1024 }).privateKey;
    case 'Ed25519': return generateKeyPairSync('ed25519').privateKey;
  }
}

const pem = (key: KeyObject) => key.export({ format: 'pem', type: 'pkcs8' }).toString();
const tempDir = () => mkdtempSync(join(tmpdir(), 'signing-keys-spec-'));

function keyConfig(fields: Partial<KeyConfig> & { id: string }): KeyConfig {
  return Object.assign(new KeyConfig(), fields);
}

function build(accessToken: KeyConfig[], idToken: KeyConfig[] = []) {
  const errors = new ConfigErrors();
  const warnings: string[] = [];
  const keys = SigningKeys.build({ accessToken, idToken }, errors, warnings);
  return { keys, problems: errors.list, warnings };
}

/** The base64 lines of a PEM: none of them may ever appear in a message. */
function materialOf(text: string): string[] {
  return text.split('\n').filter((line) => line.length >= 16 && !line.startsWith('-----'));
}

describe('SigningKeys.build (startup validation of keys.*)', () => {
  describe('accepted keys', () => {
    it.each([
      ['ES256', 'P-256'], ['RS256', 'RSA-2048'], ['EdDSA', 'Ed25519'],
    ] as const)('loads a %s key from PEM text, a private JWK and a file', (algorithm, kind) => {
      const file = join(tempDir(), 'k.pem');
      writeFileSync(file, pem(privateKey(kind)));
      const { keys, problems, warnings } = build([
        keyConfig({ id: 'a', algorithm, privateKey: pem(privateKey(kind)) }),
        keyConfig({ id: 'b', algorithm, privateKey: JSON.stringify(privateKey(kind).export({ format: 'jwk' })) }),
        keyConfig({ id: 'c', algorithm, privateKeyFile: file }),
      ], [keyConfig({ id: 'it', algorithm, privateKey: pem(privateKey(kind)) })]);
      expect(problems).toEqual([]);
      expect(warnings).toEqual([]);
      expect(keys.accessToken.map((k) => [k.id, k.algorithm])).toEqual([['a', algorithm], ['b', algorithm], ['c', algorithm]]);
      expect(keys.active('access-token').id).toBe('a');
      expect(keys.active('id-token').id).toBe('it');
    });

    it('defaults the algorithm to ES256', () => {
      const { keys, problems } = build([keyConfig({ id: 'a', privateKey: pem(privateKey('P-256')) })]);
      expect(problems).toEqual([]);
      expect(keys.active('access-token').algorithm).toBe('ES256');
    });

    it('accepts PEM whose newlines arrived as literal \\n (an environment variable)', () => {
      const text = pem(privateKey('P-256')).replace(/\n/g, '\\n');
      expect(build([keyConfig({ id: 'a', privateKey: text })]).problems).toEqual([]);
    });
  });

  describe('unparsable keys', () => {
    it.each([
      ['garbage text', 'this-is-not-a-key-but-a-secret-value-123456789'],
      ['a corrupted PEM body', (() => {
        const lines = pem(privateKey('P-256')).split('\n');
        lines[1] = lines[1].split('').reverse().join('');
        return lines.join('\n');
      })()],
      ['a truncated PEM', pem(privateKey('RSA-2048')).slice(0, 400)],
      ['a public key PEM', generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'pem', type: 'spki' }).toString()],
      ['a public JWK', JSON.stringify(generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'jwk' }))],
      ['malformed JSON', '{"kty":"EC","d":"c2VjcmV0LW1hdGVyaWFsLXRoYXQtbXVzdC1ub3QtbGVhaw"'],
    ])('reports %s at the key path, without echoing the key material', (_label, text) => {
      const { problems } = build([keyConfig({ id: 'a', algorithm: 'ES256', privateKey: text })]);
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatch(/^keys\.access-token\.0\.private-key: /);
      for (const line of materialOf(text)) expect(problems[0]).not.toContain(line);
      expect(problems[0]).not.toContain('this-is-not-a-key');
      expect(problems[0]).not.toContain('c2VjcmV0LW1hdGVyaWFs');
      expect(problems[0]).not.toContain('-----BEGIN');
    });

    it('reports an unparsable file under private-key-file, without its content', () => {
      const file = join(tempDir(), 'bad.pem');
      const content = '-----BEGIN PRIVATE KEY-----\nTUlHSEFnRUFNQk1HQnlxR1NNNDlBZ0VHQ0NxR1NNNDlBd0VIQkcwd2F3SUJBUVFn\n-----END PRIVATE KEY-----\n';
      writeFileSync(file, content);
      const { problems } = build([], [keyConfig({ id: 'it', algorithm: 'ES256', privateKeyFile: file })]);
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatch(/^keys\.id-token\.0\.private-key-file: /);
      for (const line of materialOf(content)) expect(problems[0]).not.toContain(line);
    });
  });

  describe('algorithm and key type must match', () => {
    it.each([
      ['ES256', 'RSA-2048', /ES256/],
      ['ES256', 'P-384', /P-256/],
      ['ES256', 'Ed25519', /ES256/],
      ['RS256', 'P-256', /RS256/],
      ['RS256', 'RSA-1024', /2048/],
      ['EdDSA', 'P-256', /EdDSA|Ed25519/],
      ['EdDSA', 'RSA-2048', /EdDSA|Ed25519/],
    ] as const)('rejects %s with a %s key', (algorithm, kind, message) => {
      const text = pem(privateKey(kind));
      const { problems } = build([keyConfig({ id: 'a', algorithm, privateKey: text })]);
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatch(/^keys\.access-token\.0\.algorithm: /);
      expect(problems[0]).toMatch(message);
      for (const line of materialOf(text)) expect(problems[0]).not.toContain(line);
    });

    it('names the key path of the faulty entry in a longer list', () => {
      const { problems } = build([
        keyConfig({ id: 'a', algorithm: 'ES256', privateKey: pem(privateKey('P-256')) }),
        keyConfig({ id: 'b', algorithm: 'RS256', privateKey: pem(privateKey('P-256')) }),
      ]);
      expect(problems).toEqual([expect.stringMatching(/^keys\.access-token\.1\.algorithm: /)]);
    });
  });

  describe('structure', () => {
    it('rejects an id used twice in one list', () => {
      const { problems } = build([
        keyConfig({ id: 'same', privateKey: pem(privateKey('P-256')) }),
        keyConfig({ id: 'same', privateKey: pem(privateKey('P-256')) }),
      ]);
      expect(problems).toEqual([expect.stringMatching(/^keys\.access-token\.1\.id: .*same/)]);
    });

    it('rejects an id used in both lists (a kid must name one key in the JWKS)', () => {
      const { problems } = build(
        [keyConfig({ id: 'shared', privateKey: pem(privateKey('P-256')) })],
        [keyConfig({ id: 'shared', privateKey: pem(privateKey('P-256')) })],
      );
      expect(problems).toEqual([expect.stringMatching(/^keys\.id-token\.0\.id: .*shared/)]);
    });

    it('rejects both private-key and private-key-file on one key', () => {
      const file = join(tempDir(), 'k.pem');
      writeFileSync(file, pem(privateKey('P-256')));
      const { problems } = build([keyConfig({ id: 'a', privateKey: pem(privateKey('P-256')), privateKeyFile: file })]);
      expect(problems).toEqual([expect.stringMatching(/^keys\.access-token\.0: .*private-key.*private-key-file/)]);
    });

    it('rejects a key with neither private-key nor private-key-file', () => {
      const { problems } = build([keyConfig({ id: 'a', algorithm: 'ES256' })]);
      expect(problems).toEqual([expect.stringMatching(/^keys\.access-token\.0: .*private-key.*private-key-file/)]);
    });

    it('reports a file that cannot be read, with its path', () => {
      const missing = join(tempDir(), 'missing.pem');
      const { problems } = build([keyConfig({ id: 'a', privateKeyFile: missing })]);
      expect(problems).toEqual([expect.stringMatching(/^keys\.access-token\.0\.private-key-file: .*missing\.pem/)]);
    });

    it('reports a directory given as a file', () => {
      const { problems } = build([keyConfig({ id: 'a', privateKeyFile: tempDir() })]);
      expect(problems).toEqual([expect.stringMatching(/^keys\.access-token\.0\.private-key-file: /)]);
    });

    it('rejects an id-token key that is the same key as an access-token key, under another id', () => {
      const text = pem(privateKey('P-256'));
      const { problems } = build([keyConfig({ id: 'at', privateKey: text })], [keyConfig({ id: 'it', privateKey: text })]);
      expect(problems).toEqual([expect.stringMatching(/^keys\.id-token\.0: .*different key/)]);
    });

    it('recognises the same key given as PEM and as a JWK', () => {
      const key = privateKey('P-256');
      const { problems } = build(
        [keyConfig({ id: 'at', privateKey: pem(key) })],
        [keyConfig({ id: 'it', privateKey: JSON.stringify(key.export({ format: 'jwk' })) })],
      );
      expect(problems).toEqual([expect.stringMatching(/^keys\.id-token\.0: /)]);
    });

    it('reports every problem of every key in one pass', () => {
      const { problems } = build([
        keyConfig({ id: 'a', algorithm: 'RS256', privateKey: pem(privateKey('P-256')) }),
        keyConfig({ id: 'a', privateKey: 'nope' }),
      ], [keyConfig({ id: 'it' })]);
      expect(problems).toEqual(expect.arrayContaining([
        expect.stringMatching(/^keys\.access-token\.0\.algorithm: /),
        expect.stringMatching(/^keys\.access-token\.1\.id: /),
        expect.stringMatching(/^keys\.access-token\.1\.private-key: /),
        expect.stringMatching(/^keys\.id-token\.0: /),
      ]));
      expect(problems).toHaveLength(4);
    });
  });

  describe('no key configured', () => {
    it('generates a distinct ES256 key per purpose and warns, naming each list', () => {
      const { keys, problems, warnings } = build([], []);
      expect(problems).toEqual([]);
      expect(keys.active('access-token').algorithm).toBe('ES256');
      expect(keys.active('id-token').algorithm).toBe('ES256');
      expect(keys.active('access-token').id).not.toBe(keys.active('id-token').id);
      expect(keys.jwks().keys).toHaveLength(2);
      expect(warnings).toHaveLength(2);
      expect(warnings[0]).toMatch(/keys\.access-token/);
      expect(warnings[1]).toMatch(/keys\.id-token/);
      for (const warning of warnings) expect(warning).toMatch(/generated/);
    });

    it('generates only the list that is missing', () => {
      const { keys, warnings } = build([keyConfig({ id: 'at', privateKey: pem(privateKey('P-256')) })], []);
      expect(keys.active('access-token').id).toBe('at');
      expect(warnings).toEqual([expect.stringMatching(/keys\.id-token/)]);
    });

    it('generates new keys on every start (why they cannot serve several replicas)', () => {
      const first = build([], []).keys.active('access-token');
      const second = build([], []).keys.active('access-token');
      expect(first.id).not.toBe(second.id);
      expect(first.jwk.x).not.toBe(second.jwk.x);
    });
  });
});

describe('loadConfiguration with bad keys', () => {
  function loadError(yaml: string[], env: Record<string, string> = {}): ConfigurationError {
    const file = join(tempDir(), 'sympauthy.yml');
    writeFileSync(file, ['urls: { root: "http://issuer.test" }', ...yaml].join('\n'));
    try {
      loadConfiguration({ files: [file], env });
    } catch (e) {
      if (e instanceof ConfigurationError) return e;
      throw e;
    }
    throw new Error('the configuration was accepted');
  }

  it('fails at startup listing every key problem with its path, and never the key text', () => {
    const secretPem = pem(privateKey('RSA-2048'));
    const error = loadError([
      'keys:',
      '  access-token:',
      '    - { id: at-1, algorithm: ES256, private-key: "${AT_KEY}" }',
      '    - { id: at-2, algorithm: RS256, private-key: "${AT_KEY}" }',
      '  id-token:',
      '    - { id: at-1, algorithm: EdDSA, private-key-file: /nonexistent/it.pem }',
    ], { AT_KEY: secretPem });
    expect(error.problems).toEqual(expect.arrayContaining([
      expect.stringMatching(/^keys\.access-token\.0\.algorithm: /),
      expect.stringMatching(/^keys\.id-token\.0\.id: /),
      expect.stringMatching(/^keys\.id-token\.0\.private-key-file: /),
    ]));
    for (const line of materialOf(secretPem)) expect(error.message).not.toContain(line);
  });

  it('rejects an algorithm outside ES256, RS256, EdDSA', () => {
    const error = loadError(['keys:', '  access-token:', '    - { id: at-1, algorithm: HS256, private-key: "x" }']);
    expect(error.problems).toEqual([expect.stringMatching(/^keys\.access-token\.0\.algorithm: .*ES256, RS256, EdDSA/)]);
  });
});
