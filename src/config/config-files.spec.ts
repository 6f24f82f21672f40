import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigErrors } from './config-errors.js';
import { deepMerge, readConfigFiles } from './config-files.js';

let dir: string;
beforeAll(() => { dir = mkdtempSync(join(tmpdir(), 'config-files-')); });
afterAll(() => rmSync(dir, { recursive: true, force: true }));

let counter = 0;
function file(content: string, extension = 'yml'): string {
  const path = join(dir, `config-${++counter}.${extension}`);
  writeFileSync(path, content);
  return path;
}

function read(...files: string[]) {
  const errors = new ConfigErrors();
  const tree = readConfigFiles(files, errors);
  return { tree, problems: errors.list };
}

describe('readConfigFiles', () => {
  it('reads a YAML file', () => {
    const { tree, problems } = read(file('urls:\n  root: http://localhost:3000\nclients:\n  web:\n    public: true\n'));
    expect(problems).toEqual([]);
    expect(tree).toEqual({ urls: { root: 'http://localhost:3000' }, clients: { web: { public: true } } });
  });

  it('reads a JSON file', () => {
    const { tree, problems } = read(file(JSON.stringify({ urls: { root: 'http://json.test' }, token: { 'access-token': { lifespan: '5m' } } }), 'json'));
    expect(problems).toEqual([]);
    expect(tree).toEqual({ urls: { root: 'http://json.test' }, token: { 'access-token': { lifespan: '5m' } } });
  });

  it('keeps bcrypt hashes and ${…} references as plain strings (expansion comes later)', () => {
    const hash = '$2b$10$AEBwlb9ymo1FkjgyxppICeai/JpMpijrGvAP2qUQleYLLK2m.TVoq';
    const { tree } = read(file(`a: ${hash}\nb: \${SECRET:x}\n`));
    expect(tree).toEqual({ a: hash, b: '${SECRET:x}' });
  });

  it('merges files in order: later wins, objects merge deeply, arrays are replaced', () => {
    const base = file([
      'urls:',
      '  root: http://base.test',
      'clients:',
      '  web:',
      '    secret: base-secret',
      '    allowed-redirect-uris: [https://a.test/cb, https://b.test/cb]',
      '    allowed-scopes: [openid, profile]',
      '  spa:',
      '    public: true',
      '',
    ].join('\n'));
    const override = file(JSON.stringify({
      urls: { root: 'http://override.test' },
      clients: { web: { 'allowed-redirect-uris': ['https://c.test/cb'] }, svc: { secret: 's' } },
    }), 'json');
    const { tree, problems } = read(base, override);
    expect(problems).toEqual([]);
    expect(tree).toEqual({
      urls: { root: 'http://override.test' },
      clients: {
        web: { secret: 'base-secret', 'allowed-redirect-uris': ['https://c.test/cb'], 'allowed-scopes': ['openid', 'profile'] },
        spa: { public: true },
        svc: { secret: 's' },
      },
    });
  });

  it('lets a later scalar replace an object and a later object replace a scalar', () => {
    const { tree } = read(file('a:\n  b: 1\nc: x\n'), file('a: flat\nc:\n  d: 2\n'));
    expect(tree).toEqual({ a: 'flat', c: { d: 2 } });
  });

  it('merges three files, the last one winning', () => {
    const { tree } = read(file('k: 1\n'), file('k: 2\n'), file('k: 3\n'));
    expect(tree).toEqual({ k: 3 });
  });

  it('treats an empty file (or one with only comments) as an empty mapping', () => {
    const { tree, problems } = read(file('k: 1\n'), file(''), file('# nothing here\n'));
    expect(problems).toEqual([]);
    expect(tree).toEqual({ k: 1 });
  });

  it('rejects duplicate keys in one YAML file', () => {
    const path = file('clients:\n  web:\n    secret: a\n  web:\n    secret: b\n');
    const { problems } = read(path);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(path);
    expect(problems[0]).toMatch(/unique/i);
  });

  it('rejects duplicate keys in one JSON file', () => {
    const path = file('{"clients": {"web": {"secret": "a"}, "web": {"secret": "b"}}}', 'json');
    const { problems } = read(path);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/unique/i);
  });

  it('does not put the content of a duplicated key into the message', () => {
    const { problems } = read(file('clients:\n  web:\n    secret: first-secret-value\n  web:\n    secret: second-secret-value\n'));
    expect(problems[0]).not.toContain('secret-value');
    expect(problems[0].split('\n')).toHaveLength(1);
  });

  it('does not treat the same key in two files as a duplicate', () => {
    const { tree, problems } = read(file('clients:\n  web:\n    secret: a\n'), file('clients:\n  web:\n    secret: b\n'));
    expect(problems).toEqual([]);
    expect(tree).toEqual({ clients: { web: { secret: 'b' } } });
  });

  it('reports a YAML syntax error with the file name', () => {
    const path = file('urls:\n  root: [unclosed\n');
    const { problems } = read(path);
    expect(problems).toHaveLength(1);
    expect(problems[0].startsWith(`${path}: `)).toBe(true);
  });

  describe('a syntax error', () => {
    const problemOf = (content: string, extension = 'yml') => {
      const path = file(content, extension);
      const { problems } = read(path);
      expect(problems).toHaveLength(1);
      expect(problems[0].startsWith(`${path}: `)).toBe(true);
      expect(problems[0].split('\n')).toHaveLength(1);
      return problems[0].slice(path.length + 2);
    };

    it('names the line, the column, the reason and the offending text', () => {
      expect(problemOf('urls:\n  root: http://x\na: b: c\n'))
        .toBe('line 3, column 4: Nested mappings are not allowed in compact mappings (line 3: "a: b: c")');
      expect(problemOf('a: 1\na: 2\n')).toBe('line 2, column 1: Map keys must be unique (line 2: "a: 2")');
    });

    it('shows indentation and tabs as they are', () => {
      expect(problemOf('urls:\n\troot: http://x\n')).toBe('line 2, column 1: Tabs are not allowed as indentation (line 2: "\\troot: http://x")');
    });

    it('shows the last non-blank line when the error is found at the end of the file', () => {
      expect(problemOf('urls:\n  root: http://x\nclients: [\n\n'))
        .toMatch(/^line \d+, column 1: Flow sequence in block collection must be sufficiently indented and end with a \] \(line 3: "clients: \["\)$/);
    });

    it('never shows the value of a secret, a password, a private key or a store URL', () => {
      for (const content of [
        'clients:\n  web:\n    secret: plain-secret-value\n    secret: other-secret-value\n',
        'users:\n  alice:\n    password: "$2b$04$unterminated-secret-value\n',
        'store: { url: redis://user:secret-value@redis, url: redis://x }\n',
        '{"clients": {"web": {"secret": "json-secret-value", "secret": "other-secret-value"}}}',
      ]) {
        const problem = problemOf(content, content.startsWith('{') ? 'json' : 'yml');
        expect(problem).toMatch(/^line \d+, column \d+: /);
        expect(problem).not.toMatch(/secret-value/);
      }
      expect(problemOf('clients:\n  web:\n    secret: one\n    secret: two\n')).toMatch(/\(line 4: " {4}secret: …"\)$/);
    });

    it('never shows a line that continues a secret value from the line before', () => {
      // The error lands on the second line of a multi-line secret, or on a secret written below `secret:`:
      // that line was quoted as it is.
      for (const content of [
        'clients:\n  a:\n    secret: "abc-first-part\n      def-secret-value" trailing\n',
        'clients:\n  a:\n    secret:\n      next-line-secret-value: x: y\n',
        'users:\n  alice:\n    password: "$2b$04$first part\n      unterminated secret-value\n',
      ]) {
        const problem = problemOf(content);
        expect(problem).toMatch(/^line \d+, column \d+: .*\(line \d+: \(part of a secret value, not shown\)\)$/);
        expect(problem).not.toMatch(/secret-value/);
      }
      // A key below a non-secret key is shown as usual.
      expect(problemOf('clients:\n  a:\n    name:\n      shown-name: x: y\n')).toMatch(/\(line 4: " {6}shown-name: x: y"\)$/);
    });

    it('never shows a line of key material', () => {
      const pem = 'keys:\n  access-token:\n    - id: k1\n      private-key: |\n        -----BEGIN PRIVATE KEY-----\n   MIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg\n';
      const problem = problemOf(pem);
      expect(problem).not.toMatch(/MIGHAgEA/);
      expect(problem).toMatch(/\(key material, not shown\)/);
    });

    it('cuts a long line around the column', () => {
      const problem = problemOf(`{"a": [${'1, '.repeat(60)}}`, 'json');
      expect(problem).toMatch(/\(line 1: "….{80}"\)$|\(line 1: ".{80}…"\)$|\(line 1: "….{80}…"\)$/);
    });
  });

  it('reports a missing file and still reads the others', () => {
    const missing = join(dir, 'missing.yml');
    const { tree, problems } = read(missing, file('k: 1\n'));
    expect(problems).toEqual([`cannot read configuration file ${missing} (ENOENT)`]);
    expect(tree).toEqual({ k: 1 });
  });

  it('reports a file that cannot be read (a directory)', () => {
    expect(read(dir).problems).toEqual([`cannot read configuration file ${dir} (EISDIR)`]);
  });

  it('rejects a document that is not a mapping', () => {
    const list = file('- a\n- b\n');
    const scalar = file('just a string\n');
    const { problems } = read(list, scalar);
    expect(problems).toEqual([
      `${list}: the document must be a mapping of configuration sections`,
      `${scalar}: the document must be a mapping of configuration sections`,
    ]);
  });

  it('reports every broken file at once', () => {
    const missing = join(dir, 'nope.yml');
    const dup = file('a: 1\na: 2\n');
    const list = file('[1, 2]\n', 'json');
    expect(read(missing, dup, list).problems).toHaveLength(3);
  });
});

describe('deepMerge', () => {
  it('does not modify its inputs', () => {
    const base = { a: { b: 1 }, list: [1] };
    const override = { a: { c: 2 }, list: [2] };
    const merged = deepMerge(base, override);
    expect(merged).toEqual({ a: { b: 1, c: 2 }, list: [2] });
    expect(base).toEqual({ a: { b: 1 }, list: [1] });
    expect(override).toEqual({ a: { c: 2 }, list: [2] });
  });

  it('keeps a __proto__ key as data instead of changing the prototype', () => {
    const override = JSON.parse('{"__proto__": {"polluted": true}}') as Record<string, unknown>;
    const merged = deepMerge({ a: 1 }, override);
    expect(Object.keys(merged)).toEqual(['a', '__proto__']);
    expect(Object.getPrototypeOf(merged)).toBe(Object.prototype);
    expect((merged as { polluted?: unknown }).polluted).toBeUndefined();
  });
});
