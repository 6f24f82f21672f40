import { YAMLError, parse } from 'yaml';
import { ConfigErrors } from './config-errors.js';
import { MAX_CONFIG_FILE_BYTES, readBoundedTextFile } from './read-bounded-file.js';

/** Reads YAML (or JSON, a subset) files and deep-merges them in order, later files winning. */
export function readConfigFiles(files: readonly string[], errors: ConfigErrors): Record<string, unknown> {
  let merged: Record<string, unknown> = {};
  for (const file of files) {
    let text: string;
    try {
      text = readBoundedTextFile(file, MAX_CONFIG_FILE_BYTES);
    } catch (e) {
      errors.add('', `cannot read configuration file ${file} (${(e as NodeJS.ErrnoException).code ?? 'error'})`);
      continue;
    }
    let doc: unknown;
    try {
      doc = parse(text, { uniqueKeys: true, prettyErrors: true });
    } catch (e) {
      errors.add('', `${file}: ${e instanceof YAMLError ? describeYamlError(e, text) : (e as Error).message.split('\n')[0]}`);
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

/** Keys whose values never appear in a message, even when their line holds a syntax error. */
const SENSITIVE_VALUE = /((?:secret|password|private-key|url)["']?\s*:[ \t]*)("(?:[^"\\]|\\.)*"?|'[^']*'?|[^\s,}\]#][^,}\]#]*)/gi;
/** A line of PEM text or base64 (key material, a secret) inside a block scalar. */
const KEY_MATERIAL = /^\s*(-----(BEGIN|END) |[A-Za-z0-9+/_=-]{20,}\s*$)/;
const SHOWN_CHARS = 80;

/**
 * One line for a YAML (or JSON) syntax error: where it is, what is wrong, and the text of that
 * line (quoted, so that tabs and indentation show), e.g.
 * `line 4, column 3: Map keys must be unique (line 4: "  web:")`. When the reported line is
 * blank (an error found at the end of the file), the last non-blank line before it is shown.
 * Values of secret keys and lines of key material are masked; long lines are cut around the column.
 */
export function describeYamlError(error: YAMLError, text: string): string {
  const reason = error.message.split('\n')[0].replace(/ at line \d+, column \d+:?$/, '');
  const position = error.linePos?.[0];
  if (!position) return reason;
  const lines = text.split(/\r?\n/);
  let shownLine = Math.min(position.line, lines.length);
  while (shownLine > 1 && (lines[shownLine - 1] ?? '').trim() === '') shownLine--;
  const raw = lines[shownLine - 1] ?? '';
  const where = `line ${position.line}, column ${position.col}: ${reason}`;
  if (raw.trim() === '') return where;
  const shown = KEY_MATERIAL.test(raw) ? '(key material, not shown)'
    : insideSensitiveValue(lines, shownLine) ? '(part of a secret value, not shown)'
      : JSON.stringify(excerpt(raw.replace(SENSITIVE_VALUE, '$1…'), shownLine === position.line ? position.col : 1));
  return `${where} (line ${shownLine}: ${shown})`;
}

/** A key whose value is secret, at the start of a line (`secret:`, `- password:`, `"url":`). */
const SENSITIVE_KEY_LINE = /^\s*(?:-\s+)?["']?[\w-]*(?:secret|password|private-key|url)["']?\s*:/i;

/**
 * Whether line `n` (1-based) continues the value of a secret-bearing key on an earlier line: the
 * second line of a multi-line quoted or plain secret, or a value written on the line after
 * `secret:`. The nearest less-indented line above it is then that key's.
 */
function insideSensitiveValue(lines: readonly string[], n: number): boolean {
  const indent = (line: string) => line.length - line.trimStart().length;
  const own = indent(lines[n - 1] ?? '');
  for (let i = n - 2; i >= 0; i--) {
    if (lines[i].trim() === '') continue;
    if (indent(lines[i]) < own) return SENSITIVE_KEY_LINE.test(lines[i]);
  }
  return false;
}

/** At most {@link SHOWN_CHARS} characters of `line`, around `column` when it is longer. */
function excerpt(line: string, column: number): string {
  if (line.length <= SHOWN_CHARS) return line;
  const start = Math.max(0, Math.min(column - 1 - SHOWN_CHARS / 2, line.length - SHOWN_CHARS));
  return `${start > 0 ? '…' : ''}${line.slice(start, start + SHOWN_CHARS)}${start + SHOWN_CHARS < line.length ? '…' : ''}`;
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
