import { readFileSync } from 'node:fs';
import bcrypt from 'bcrypt';
import type { User, UserDirectory } from '../../src/users/user-directory.js';

const BCRYPT_HASH = /^\$2[aby]\$(\d{2})\$[./A-Za-z0-9]{53}$/;
const DEFAULT_COST = 10;

interface Entry {
  hash: string;
  user: User;
}

/**
 * A user directory read from a JSON file once, at startup:
 *
 *     { "users": { "bob": { "password": "$2b$10$…", "claims": { "name": "Bob" } } } }
 *
 * The username is the subject (`sub`). Passwords are bcrypt hashes, compared with bcrypt's async
 * API (off the event loop). An unknown username costs the same compare, against a dummy hash of
 * the file's cost, so the answer time does not tell which usernames exist.
 */
export class JsonUserDirectory implements UserDirectory {
  private constructor(
    private readonly users: ReadonlyMap<string, Entry>,
    private readonly dummyHash: string,
  ) {}

  /** Reads and checks the file; throws one error listing every problem (never a hash). */
  static fromFile(path: string): JsonUserDirectory {
    let document: unknown;
    try {
      document = JSON.parse(readFileSync(path, 'utf8'));
    } catch (e) {
      throw new Error(`user directory ${path}: cannot read it as JSON (${e instanceof SyntaxError ? 'invalid JSON' : (e as NodeJS.ErrnoException).code ?? 'read error'})`);
    }
    const users = isObject(document) ? document.users : undefined;
    if (!isObject(users)) throw new Error(`user directory ${path}: expected {"users": {"<username>": {"password": "<bcrypt hash>", "claims": {…}}}}`);

    const problems: string[] = [];
    const entries = new Map<string, Entry>();
    let cost = 0;
    for (const [username, value] of Object.entries(users)) {
      const password = isObject(value) ? value.password : undefined;
      const claims = isObject(value) ? value.claims ?? {} : undefined;
      const match = typeof password === 'string' ? BCRYPT_HASH.exec(password) : null;
      if (!match) problems.push(`users.${username}.password must be a bcrypt hash ($2a$, $2b$ or $2y$)`);
      if (!isObject(claims)) problems.push(`users.${username}.claims must be an object`);
      if (!match || !isObject(claims)) continue;
      cost = Math.max(cost, Number(match[1]));
      // `$2y$` (PHP, htpasswd) is `$2b$` under another name; the bcrypt package only knows the latter.
      const hash = match[0].replace(/^\$2y\$/, '$2b$');
      entries.set(username, { hash, user: Object.freeze({ id: username, claims: Object.freeze({ ...claims }) }) });
    }
    if (problems.length > 0) throw new Error(`user directory ${path}:\n  - ${problems.join('\n  - ')}`);
    const dummyHash = bcrypt.hashSync(`dummy-${Math.random()}`, cost || DEFAULT_COST);
    return new JsonUserDirectory(entries, dummyHash);
  }

  async authenticate(username: string, password: string): Promise<User | undefined> {
    const entry = this.users.get(username);
    // bcrypt reads only the first 72 bytes: refuse longer passwords, after the same work.
    const tooLong = Buffer.byteLength(password, 'utf8') > 72;
    const matches = await bcrypt.compare(password, entry?.hash ?? this.dummyHash);
    return entry && matches && !tooLong ? entry.user : undefined;
  }

  async findById(id: string): Promise<User | undefined> {
    return this.users.get(id)?.user;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
