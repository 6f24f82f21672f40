import { readFileSync } from 'node:fs';
import bcrypt from 'bcrypt';
import { BCRYPT_HASH, BCRYPT_MAX_BYTES, BcryptLimiter } from '../../src/index.js';
import type { User, UserDirectory } from '../../src/index.js';

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
 * The username is the subject (`sub`). Passwords are bcrypt hashes, compared through the server's
 * {@link BcryptLimiter} (off the event loop, at most one compare per core, shared with every other
 * password and client-secret check). An unknown username costs the same compare, against a dummy
 * hash of the file's cost, so the answer time does not tell which usernames exist.
 */
export class JsonUserDirectory implements UserDirectory {
  private constructor(
    private readonly users: ReadonlyMap<string, Entry>,
    private readonly dummyHash: string,
    private readonly limiter: BcryptLimiter,
  ) {}

  /** Reads and checks the file; throws one error listing every problem (never a hash). */
  static fromFile(path: string, limiter: BcryptLimiter): JsonUserDirectory {
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
      const hash = typeof password === 'string' && BCRYPT_HASH.test(password) ? password : undefined;
      if (!hash) problems.push(`users.${username}.password must be a bcrypt hash ($2a$, $2b$ or $2y$)`);
      if (!isObject(claims)) problems.push(`users.${username}.claims must be an object`);
      if (!hash || !isObject(claims)) continue;
      cost = Math.max(cost, Number(hash.slice(4, 6)));
      entries.set(username, { hash, user: Object.freeze({ id: username, claims: Object.freeze({ ...claims }) }) });
    }
    if (problems.length > 0) throw new Error(`user directory ${path}:\n  - ${problems.join('\n  - ')}`);
    const dummyHash = bcrypt.hashSync(`dummy-${Math.random()}`, cost || DEFAULT_COST);
    return new JsonUserDirectory(entries, dummyHash, limiter);
  }

  async authenticate(username: string, password: string): Promise<User | undefined> {
    const entry = this.users.get(username);
    // bcrypt reads only the first 72 bytes: refuse longer passwords, after the same work.
    const tooLong = Buffer.byteLength(password, 'utf8') > BCRYPT_MAX_BYTES;
    const matches = await this.limiter.compare(password, entry?.hash ?? this.dummyHash, 'password');
    return entry && matches && !tooLong ? entry.user : undefined;
  }

  async findById(id: string): Promise<User | undefined> {
    return this.users.get(id)?.user;
  }
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
