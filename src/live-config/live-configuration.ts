import { ConfigurationError } from '../config/config-errors.js';
import { ConfigurationSnapshot } from './configuration-snapshot.js';

/**
 * The configuration in force: one immutable {@link ConfigurationSnapshot}, replaced whole by a
 * reload. Feature modules never hold a snapshot: their slice providers read `current` (through
 * {@link LiveConfiguration.select}, which re-derives a value only when the snapshot changed), so
 * a replacement takes effect for every lookup made after it, in one synchronous step.
 */
export class LiveConfiguration {
  private snapshot: ConfigurationSnapshot;
  private readonly listeners: ((next: ConfigurationSnapshot, previous: ConfigurationSnapshot) => void)[] = [];

  constructor(initial: ConfigurationSnapshot) {
    this.snapshot = initial;
  }

  get current(): ConfigurationSnapshot {
    return this.snapshot;
  }

  /**
   * A getter of a value derived from the current snapshot, computed again only when the snapshot
   * was replaced (one identity check per call otherwise).
   */
  select<T>(derive: (snapshot: ConfigurationSnapshot) => T): () => T {
    let source: ConfigurationSnapshot | undefined;
    let value!: T;
    return () => {
      const snapshot = this.snapshot;
      if (snapshot !== source) {
        value = derive(snapshot);
        source = snapshot;
      }
      return value;
    };
  }

  /**
   * Swaps in a new, already validated snapshot. Refuses one that changes what cannot change while
   * the process runs (the issuer, the store), with a message saying so.
   */
  replace(next: ConfigurationSnapshot): void {
    const problems = fixedSettingChanges(this.snapshot, next);
    if (problems.length > 0) throw new ConfigurationError(problems);
    const previous = this.snapshot;
    this.snapshot = next;
    for (const listener of this.listeners) listener(next, previous);
  }

  /** Called after every replacement (e.g. to rebuild a document served as is). */
  onReplace(listener: (next: ConfigurationSnapshot, previous: ConfigurationSnapshot) => void): void {
    this.listeners.push(listener);
  }
}

/** What a reload may not change, one message per setting. */
export function fixedSettingChanges(current: ConfigurationSnapshot, next: ConfigurationSnapshot): string[] {
  const problems: string[] = [];
  if (next.server.issuer !== current.server.issuer) {
    problems.push('urls.root: cannot change while the server runs (it is the issuer of every live token); restart the server');
  }
  if (JSON.stringify(next.store) !== JSON.stringify(current.store)) {
    problems.push('store: cannot change while the server runs; restart the server');
  }
  return problems;
}
