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
    this.problems.push(path ? `${path}: ${message}` : message);
  }

  /** Reports a `${…}` reference that could not be resolved, and mutes later messages for `path`. */
  addUnresolved(path: string, message: string): void {
    this.problems.push(`${path}: ${message}`);
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

/** Joins key path segments: `clients` + `web` → `clients.web`. */
export function keyPath(...segments: (string | number)[]): string {
  return segments.filter((s) => s !== '').join('.');
}
