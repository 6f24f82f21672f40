import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigErrors } from './config-errors.js';
import { ExpansionSources, expandReferences } from './reference-expander.js';

function expand(tree: unknown, env: Record<string, string | undefined> = {}, readFile?: ExpansionSources['readFile']) {
  const errors = new ConfigErrors();
  const value = expandReferences(tree, { env, readFile }, errors);
  return { value, problems: errors.list };
}

/** Expands one string value at `section.key`, the usual position of a value in the config. */
function expandValue(text: string, env: Record<string, string | undefined> = {}) {
  const { value, problems } = expand({ section: { key: text } }, env);
  return { value: (value as { section: { key: string } }).section.key, problems };
}

function writeAndReturn(file: string): string {
  writeFileSync(file, '');
  return file;
}

const BCRYPT = '$2b$10$AEBwlb9ymo1FkjgyxppICeai/JpMpijrGvAP2qUQleYLLK2m.TVoq';

describe('expandReferences', () => {
  describe('${NAME}', () => {
    it('is replaced by the environment variable', () => {
      expect(expandValue('${WEB_SECRET}', { WEB_SECRET: 'from-env' })).toEqual({ value: 'from-env', problems: [] });
    });

    it('is replaced inside a longer string, several times', () => {
      const { value, problems } = expandValue('https://${HOST}:${PORT_NUMBER}/x/${HOST}', { HOST: 'a.test', PORT_NUMBER: '8443' });
      expect(problems).toEqual([]);
      expect(value).toBe('https://a.test:8443/x/a.test');
    });

    it('uses an empty variable as set (empty), not as missing', () => {
      expect(expandValue('[${EMPTY:fallback}]', { EMPTY: '' })).toEqual({ value: '[]', problems: [] });
    });

    it('accepts names made of letters, digits and underscores', () => {
      expect(expandValue('${_a1_B2}', { _a1_B2: 'ok' }).value).toBe('ok');
    });
  });

  describe('${NAME:default}', () => {
    it('uses the default when the variable is not set', () => {
      expect(expandValue('${MISSING:dev-secret}')).toEqual({ value: 'dev-secret', problems: [] });
    });

    it('prefers the variable over the default', () => {
      expect(expandValue('${SET:dev-secret}', { SET: 'prod' }).value).toBe('prod');
    });

    it('accepts an empty default', () => {
      expect(expandValue('a${MISSING:}b')).toEqual({ value: 'ab', problems: [] });
    });

    it('keeps every colon of a default after the first', () => {
      expect(expandValue('${ROOT_URL:http://localhost:3000}')).toEqual({ value: 'http://localhost:3000', problems: [] });
      expect(expandValue('${REDIS:redis://u:p@127.0.0.1:6379/0}').value).toBe('redis://u:p@127.0.0.1:6379/0');
    });

    it('keeps a default containing $ signs literally (a bcrypt hash default)', () => {
      expect(expandValue(`\${MISSING:${BCRYPT}}`).value).toBe(BCRYPT);
    });
  });

  describe('${file:PATH}', () => {
    let dir: string;
    beforeAll(() => { dir = mkdtempSync(join(tmpdir(), 'expander-')); });
    afterAll(() => rmSync(dir, { recursive: true, force: true }));

    it('is replaced by the file content with the trailing newline removed', () => {
      const file = join(dir, 'web-app');
      writeFileSync(file, 'secret-from-file\n');
      expect(expandValue(`\${file:${file}}`)).toEqual({ value: 'secret-from-file', problems: [] });
    });

    it('removes a trailing CRLF, and only one trailing newline', () => {
      const crlf = join(dir, 'crlf');
      writeFileSync(crlf, 'value\r\n');
      expect(expandValue(`\${file:${crlf}}`).value).toBe('value');
      const two = join(dir, 'two');
      writeFileSync(two, 'line1\nline2\n\n');
      expect(expandValue(`\${file:${two}}`).value).toBe('line1\nline2\n');
    });

    it('keeps a file without trailing newline as is, and inside a longer string', () => {
      const file = join(dir, 'plain');
      writeFileSync(file, 'abc');
      expect(expandValue(`x-\${file:${file}}-y`).value).toBe('x-abc-y');
    });

    it('refuses a file over 1 MiB, a directory and a FIFO, naming the key path, instead of reading them', () => {
      const big = join(dir, 'big');
      truncateSync(writeAndReturn(big), 64 * 1024 * 1024); // sparse: a Secret volume replaced by something huge
      expect(expandValue(`\${file:${big}}`)).toEqual({ value: '', problems: [`section.key: cannot read file ${big} (larger than 1048576 bytes)`] });
      expect(expandValue(`\${file:${dir}}`).problems).toEqual([`section.key: cannot read file ${dir} (EISDIR)`]);
      const fifo = join(dir, 'fifo');
      execFileSync('mkfifo', [fifo]);
      expect(expandValue(`\${file:${fifo}}`).problems).toEqual([`section.key: cannot read file ${fifo} (not a regular file)`]);
    });

    it('does not expand references inside the file content', () => {
      const file = join(dir, 'refs');
      writeFileSync(file, '${OTHER} $${ ${file:/etc/passwd}\n');
      expect(expandValue(`\${file:${file}}`, { OTHER: 'other' })).toEqual({ value: '${OTHER} $${ ${file:/etc/passwd}', problems: [] });
    });

    it('reports an unreadable file with the key path and the file, not its content', () => {
      const missing = join(dir, 'does-not-exist');
      const { problems } = expand({ clients: { web: { secret: `\${file:${missing}}` } } });
      expect(problems).toEqual([`clients.web.secret: cannot read file ${missing} (ENOENT)`]);
    });

    it('reports a directory as unreadable', () => {
      expect(expandValue(`\${file:${dir}}`).problems).toEqual([`section.key: cannot read file ${dir} (EISDIR)`]);
    });

    it('uses the injected reader', () => {
      const reads: string[] = [];
      const { value } = expand({ k: '${file:/run/secrets/web-app}' }, {}, (p) => { reads.push(p); return 'mounted\n'; });
      expect(value).toEqual({ k: 'mounted' });
      expect(reads).toEqual(['/run/secrets/web-app']);
    });
  });

  describe('literal dollars', () => {
    it('leaves bcrypt hashes untouched', () => {
      expect(expandValue(BCRYPT)).toEqual({ value: BCRYPT, problems: [] });
      const cost4 = '$2a$04$abcdefghijklmnopqrstuu5Ey4Wxzz.bOOm8l9Ma3yO0ZnD5hdEG2';
      expect(expandValue(cost4).value).toBe(cost4);
    });

    it('keeps a $ that is not followed by {', () => {
      expect(expandValue('price: 5$ and $HOME and $$ and trailing $')).toEqual({
        value: 'price: 5$ and $HOME and $$ and trailing $', problems: [],
      });
    });

    it('writes a literal ${ for $${', () => {
      expect(expandValue('$${NOT_EXPANDED}', { NOT_EXPANDED: 'oops' })).toEqual({ value: '${NOT_EXPANDED}', problems: [] });
      expect(expandValue('a$${b', {})).toEqual({ value: 'a${b', problems: [] });
    });

    it('combines the escape with a real reference', () => {
      expect(expandValue('$${X}=${X}', { X: 'v' }).value).toBe('${X}=v');
    });
  });

  describe('expansion runs once', () => {
    it('never expands an expanded value again', () => {
      const env = { OUTER: '${INNER}', INNER: 'should-not-appear', WITH_FILE: '${file:/etc/hostname}' };
      expect(expandValue('${OUTER}', env)).toEqual({ value: '${INNER}', problems: [] });
      expect(expandValue('${WITH_FILE}', env).value).toBe('${file:/etc/hostname}');
    });

    it('keeps an env value with $${ and dotted references verbatim', () => {
      expect(expandValue('${V}', { V: '$${a} ${urls.root}' }).value).toBe('$${a} ${urls.root}');
    });
  });

  describe('configuration references', () => {
    it('leaves dotted references for the client registry', () => {
      const { value, problems } = expand({
        clients: { web: { 'allowed-redirect-uris': ['${urls.root}/cb', '${client.uris.app}/callback', '${client.uris.x}'] } },
      }, { urls: 'not-used' });
      expect(problems).toEqual([]);
      expect(value).toEqual({
        clients: { web: { 'allowed-redirect-uris': ['${urls.root}/cb', '${client.uris.app}/callback', '${client.uris.x}'] } },
      });
    });

    it('expands env references next to configuration references', () => {
      expect(expandValue('${urls.root}/${APP_PATH}', { APP_PATH: 'cb' }).value).toBe('${urls.root}/cb');
    });

    it('reports a reference that is neither an environment name nor a configuration reference', () => {
      const { problems } = expandValue('${not-a-name}');
      expect(problems).toHaveLength(1);
      expect(problems[0]).toMatch(/^section\.key: invalid reference \$\{not-a-name\}/);
      expect(expandValue('${}').problems[0]).toMatch(/^section\.key: invalid reference \$\{\}/);
    });
  });

  describe('missing variables', () => {
    it('reports the key path and the variable name', () => {
      const { problems } = expand({ clients: { web: { secret: '${WEB_APP_SECRET}' } } });
      expect(problems).toEqual(['clients.web.secret: environment variable WEB_APP_SECRET is not set and has no default']);
    });

    it('names the index of a list item and nested keys', () => {
      const { problems } = expand({
        clients: { web: { 'allowed-redirect-uris': ['https://ok.test/cb', 'https://${APP_HOST}/cb'] } },
        keys: { 'access-token': [{ id: 'k1' }, { id: 'k2', 'private-key': '${AT_KEY}' }] },
        deep: [[{ a: ['${DEEP}'] }]],
      });
      expect(problems).toEqual([
        'clients.web.allowed-redirect-uris.1: environment variable APP_HOST is not set and has no default',
        'keys.access-token.1.private-key: environment variable AT_KEY is not set and has no default',
        'deep.0.0.a.0: environment variable DEEP is not set and has no default',
      ]);
    });

    it('reports every missing variable, one line each', () => {
      const { problems } = expand({ a: '${ONE} ${TWO}', b: '${THREE}' });
      expect(problems).toEqual([
        'a: environment variable ONE is not set and has no default',
        'a: environment variable TWO is not set and has no default',
        'b: environment variable THREE is not set and has no default',
      ]);
    });

    it('never puts the value of another variable into a message', () => {
      const env = { DB_PASSWORD: 'hunter2-db', WEB_SECRET: 'hunter2-web' };
      const { problems } = expand({
        a: 'postgres://u:${DB_PASSWORD}@${DB_HOST}/db',
        b: '${WEB_SECRET}-${ALSO_MISSING}',
        c: '${WEB_SECRET}${not valid}',
      }, env);
      expect(problems).toHaveLength(3);
      for (const problem of problems) {
        expect(problem).not.toContain('hunter2');
      }
    });

    it('never puts the content of a file into a message', () => {
      const { problems } = expand({ a: '${file:/x/secret} ${MISSING}' }, {}, () => 'file-secret-content');
      expect(problems).toEqual(['a: environment variable MISSING is not set and has no default']);
    });
  });

  describe('tree walking', () => {
    it('leaves numbers, booleans, null and strings without references as they are', () => {
      const tree = { n: 3, b: false, z: null, s: 'plain', list: [1, 'x', true] };
      expect(expand(tree)).toEqual({ value: tree, problems: [] });
    });

    it('does not expand keys, only values', () => {
      expect(expand({ '${KEY}': 'v' }, { KEY: 'k' }).value).toEqual({ '${KEY}': 'v' });
    });

    it('does not modify the input tree', () => {
      const tree = { a: { b: ['${X}'] } };
      expand(tree, { X: 'y' });
      expect(tree).toEqual({ a: { b: ['${X}'] } });
    });

    it('keeps a __proto__ key as data instead of changing the prototype', () => {
      const tree = JSON.parse('{"section": {"__proto__": {"polluted": "${X}"}}}') as Record<string, unknown>;
      const { value } = expand(tree, { X: 'y' });
      const section = (value as Record<string, Record<string, unknown>>).section;
      expect(Object.keys(section)).toEqual(['__proto__']);
      expect(Object.getPrototypeOf(section)).toBe(Object.prototype);
      expect((section as { polluted?: unknown }).polluted).toBeUndefined();
    });
  });
});
