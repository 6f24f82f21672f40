import { createHash } from 'node:crypto';
import { FSWatcher, realpathSync, statSync, watch } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { MAX_CONFIG_FILE_BYTES, readBoundedFile } from '../config/read-bounded-file.js';

export interface WatcherOptions {
  /** Quiet time after the last file-system event before the files are compared (a write in several steps is one change). */
  debounceMs?: number;
  /** The files are also compared this often, in case an event was missed (a watched directory replaced whole). */
  pollMs?: number;
}

const DEFAULT_DEBOUNCE_MS = 200;
const DEFAULT_POLL_MS = 10_000;

/**
 * Calls `onChange` when the content of a watched file changes, however it was changed:
 *
 * - written in place (an editor, `kubectl cp`): a `change` event for the file;
 * - replaced by a rename (`mv new.yml sympauthy.yml`, most editors' safe write): the file's old
 *   inode is gone, so watching the file itself would go deaf after the first change;
 * - a Kubernetes ConfigMap or Secret volume update: the files are symlinks through `..data`, and
 *   the kubelet swaps that symlink to a new timestamped directory (one rename of `..data_tmp` in
 *   the mounted directory; the file names never appear in the event).
 *
 * So the watcher watches **directories** — the directory of each file and, for a symlink, that of
 * its target — takes any event in them as a hint, waits for the writes to settle (debounce), and
 * compares each file's content hash with the last one seen: only a real change of content calls
 * `onChange`. A slow poll makes the same comparison in case an event was missed, and re-arms the
 * watch of a directory that was replaced.
 */
export class ConfigurationWatcher {
  private files: string[] = [];
  private readonly fingerprints = new Map<string, string>();
  private readonly directories = new Map<string, { watcher: FSWatcher; inode: number }>();
  private readonly debounceMs: number;
  private readonly poll: NodeJS.Timeout;
  private debounce: NodeJS.Timeout | undefined;
  private closed = false;

  constructor(private readonly onChange: () => void, options: WatcherOptions = {}) {
    this.debounceMs = options.debounceMs ?? DEFAULT_DEBOUNCE_MS;
    this.poll = setInterval(() => this.check(), options.pollMs ?? DEFAULT_POLL_MS).unref();
  }

  /**
   * Watches exactly these files from now on (the previous set is replaced). A file not seen
   * before is taken as it is now: only later changes of it count.
   */
  watch(files: Iterable<string>): void {
    if (this.closed) return;
    this.files = [...new Set([...files].map((f) => resolve(f)))];
    for (const file of [...this.fingerprints.keys()]) if (!this.files.includes(file)) this.fingerprints.delete(file);
    for (const file of this.files) if (!this.fingerprints.has(file)) this.fingerprints.set(file, fingerprint(file));
    this.syncDirectories();
  }

  /** Compares every file with the last content seen; calls `onChange` once if any differs. */
  check(): void {
    if (this.closed) return;
    let changed = false;
    for (const file of this.files) {
      const current = fingerprint(file);
      if (current !== this.fingerprints.get(file)) {
        this.fingerprints.set(file, current);
        changed = true;
      }
    }
    this.syncDirectories();
    if (changed) this.onChange();
  }

  close(): void {
    this.closed = true;
    clearInterval(this.poll);
    clearTimeout(this.debounce);
    for (const { watcher } of this.directories.values()) watcher.close();
    this.directories.clear();
  }

  private scheduleCheck(): void {
    if (this.closed) return;
    clearTimeout(this.debounce);
    this.debounce = setTimeout(() => this.check(), this.debounceMs);
  }

  /** Watches the directories of the files and of their symlink targets; re-arms a replaced one. */
  private syncDirectories(): void {
    const wanted = new Set<string>();
    for (const file of this.files) {
      wanted.add(dirname(file));
      try {
        wanted.add(dirname(realpathSync(file)));
      } catch {
        // missing for now: its directory is watched, the poll retries the rest
      }
    }
    for (const [directory, entry] of this.directories) {
      if (!wanted.has(directory) || inodeOf(directory) !== entry.inode) {
        entry.watcher.close();
        this.directories.delete(directory);
      }
    }
    for (const directory of wanted) {
      if (this.directories.has(directory)) continue;
      const inode = inodeOf(directory);
      if (inode === undefined) continue;
      try {
        const watcher = watch(directory, { persistent: false }, () => this.scheduleCheck());
        watcher.on('error', () => {
          watcher.close();
          if (this.directories.get(directory)?.watcher === watcher) this.directories.delete(directory);
          this.scheduleCheck();
        });
        this.directories.set(directory, { watcher, inode });
      } catch {
        // not watchable now (removed, no permission): the poll compares the files anyway
      }
    }
  }
}

/** The SHA-256 of a file's content (through symlinks), or why it cannot be read. */
function fingerprint(file: string): string {
  try {
    return createHash('sha256').update(readBoundedFile(file, MAX_CONFIG_FILE_BYTES)).digest('hex');
  } catch (e) {
    return `unreadable: ${(e as NodeJS.ErrnoException).code ?? 'error'}`;
  }
}

function inodeOf(directory: string): number | undefined {
  try {
    return statSync(directory).ino;
  } catch {
    return undefined;
  }
}
