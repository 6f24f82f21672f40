/**
 * Collects every configuration problem found in one pass so that startup (and
 * `config:check`) can print them all at once, one line each, naming the key path.
 */
export class ConfigErrors {
  private readonly problems: string[] = [];
  private readonly unresolved = new Set<string>();

  add(path: string, message: string): void {
    // A value whose ${…} reference failed was already reported; what follows from its being
    // empty (e.g. "secret is required") would only repeat the same problem.
    if (this.unresolved.has(path)) return;
    this.problems.push(printable(path ? `${path}: ${message}` : message));
  }

  /** Reports a `${…}` reference that could not be resolved, and mutes later messages for `path`. */
  addUnresolved(path: string, message: string): void {
    this.problems.push(printable(`${path}: ${message}`));
    this.unresolved.add(path);
  }

  get list(): readonly string[] {
    return this.problems;
  }

  get isEmpty(): boolean {
    return this.problems.length === 0;
  }

  /** Throws a {@link ConfigurationError} carrying every collected problem, if any. */
  throwIfAny(): void {
    if (!this.isEmpty) throw new ConfigurationError(this.problems);
  }
}

export class ConfigurationError extends Error {
  constructor(readonly problems: readonly string[]) {
    super(`invalid configuration (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n` +
      problems.map((p) => `  - ${p}`).join('\n'));
    this.name = 'ConfigurationError';
  }
}

/**
 * Control characters (a newline, an ANSI escape), line separators and bidirectional overrides that a
 * key or a value may carry (`"https://a.example/cb\n"`, a client id with U+202E) are written as
 * `\n`, `\u{1b}`, `\u{202e}`: a problem stays one line, and what it shows is what the file holds.
 */
export function printable(text: string): string {
  return text.replace(/[\u0000-\u001f\u007f-\u009f\u200e\u200f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, (c) =>
    c === '\n' ? '\\n' : c === '\t' ? '\\t' : c === '\r' ? '\\r' : `\\u{${c.codePointAt(0)!.toString(16)}}`);
}

/** Joins key path segments: `clients` + `web` → `clients.web`. */
export function keyPath(...segments: (string | number)[]): string {
  return segments.filter((s) => s !== '').join('.');
}
