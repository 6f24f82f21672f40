import { ConfigErrors, keyPath } from './config-errors.js';
import { readBoundedTextFile } from './read-bounded-file.js';

const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;
/** `${…}` with no nesting; `$${` is matched separately as an escape. */
const REFERENCE = /\$\$\{|\$\{([^{}]*)\}/g;

export interface ExpansionSources {
  env: Record<string, string | undefined>;
  readFile?: (path: string) => string;
}

/**
 * Expands `${NAME}`, `${NAME:default}` and `${file:PATH}` in every string value of the tree,
 * exactly once (SPEC §4):
 * - a `$` not followed by `{` is literal, so bcrypt hashes (`$2b$10$…`) are untouched;
 * - an expanded value is never expanded again;
 * - `$${` writes a literal `${`;
 * - a reference whose name contains a dot (`${urls.root}`, `${client.uris.app}`) is a
 *   configuration reference, left as written for the client registry to resolve;
 * - a missing variable or unreadable file without a default is an error naming the key path.
 */
export function expandReferences(tree: unknown, sources: ExpansionSources, errors: ConfigErrors, path = ''): unknown {
  if (typeof tree === 'string') return expandString(tree, sources, errors, path);
  if (Array.isArray(tree)) return tree.map((item, i) => expandReferences(item, sources, errors, keyPath(path, i)));
  if (tree !== null && typeof tree === 'object') {
    // fromEntries defines own properties: a `__proto__` key stays data instead of replacing the prototype.
    return Object.fromEntries(Object.entries(tree).map(([key, value]) => [key, expandReferences(value, sources, errors, keyPath(path, key))]));
  }
  return tree;
}

function expandString(value: string, sources: ExpansionSources, errors: ConfigErrors, path: string): string {
  if (!value.includes('${')) return value;
  const readFile = sources.readFile ?? ((p: string) => readBoundedTextFile(p));
  return value.replace(REFERENCE, (whole, inner: string | undefined) => {
    if (inner === undefined) return '${'; // the `$${` escape
    if (inner.startsWith('file:')) {
      const file = inner.slice('file:'.length);
      try {
        return readFile(file).replace(/\r?\n$/, '');
      } catch (e) {
        errors.addUnresolved(path, `cannot read file ${file} (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
        return '';
      }
    }
    const colon = inner.indexOf(':');
    const name = colon === -1 ? inner : inner.slice(0, colon);
    if (ENV_NAME.test(name)) {
      const fromEnv = sources.env[name];
      if (fromEnv !== undefined) return fromEnv;
      if (colon !== -1) return inner.slice(colon + 1);
      errors.addUnresolved(path, `environment variable ${name} is not set and has no default`);
      return '';
    }
    if (name.includes('.')) return whole; // configuration reference, resolved by the client registry
    errors.addUnresolved(path, `invalid reference ${whole}: use \${NAME}, \${NAME:default} or \${file:PATH}`);
    return '';
  });
}
