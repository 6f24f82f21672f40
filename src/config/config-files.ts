import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
import { ConfigErrors } from './config-errors.js';

/** Reads YAML (or JSON, a subset) files and deep-merges them in order, later files winning. */
export function readConfigFiles(files: readonly string[], errors: ConfigErrors): Record<string, unknown> {
  let merged: Record<string, unknown> = {};
  for (const file of files) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (e) {
      errors.add('', `cannot read configuration file ${file} (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
      continue;
    }
    let doc: unknown;
    try {
      doc = parse(text, { uniqueKeys: true, prettyErrors: true });
    } catch (e) {
      errors.add('', `${file}: ${(e as Error).message.split('\n')[0]}`);
      continue;
    }
    if (doc === null || doc === undefined) continue; // an empty file
    if (typeof doc !== 'object' || Array.isArray(doc)) {
      errors.add('', `${file}: the document must be a mapping of configuration sections`);
      continue;
    }
    merged = deepMerge(merged, doc as Record<string, unknown>);
  }
  return merged;
}

/** Objects merge key by key; arrays and scalars from `override` replace those of `base`. */
export function deepMerge(base: Record<string, unknown>, override: Record<string, unknown>): Record<string, unknown> {
  // fromEntries defines own properties: a `__proto__` key stays data instead of replacing the prototype.
  const out = new Map(Object.entries(base));
  for (const [key, value] of Object.entries(override)) {
    const current = out.get(key);
    out.set(key, isPlainObject(current) && isPlainObject(value) ? deepMerge(current, value) : value);
  }
  return Object.fromEntries(out);
}

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return value !== null && typeof value === 'object' && !Array.isArray(value);
}
