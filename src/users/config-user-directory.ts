import bcrypt from 'bcrypt';
import { BCRYPT_MAX_BYTES, BcryptLimiter } from '../common/bcrypt-limiter.js';
import { UserConfig } from '../config/sympauthy-config.js';
import { User, UserDirectory } from './user-directory.js';

interface Directory {
  users: ReadonlyMap<string, { hash: string; user: User }>;
  /** Compared against for an unknown username: the same work as a wrong password. */
  dummyHash: string;
}

/**
 * The built-in directory: `users.<username>` with a bcrypt `password` and `claims`, from the
 * configuration in force (a reload replaces the users). Passwords are compared through the shared
 * {@link BcryptLimiter} (libuv's thread pool, one compare per core). An unknown username costs a
 * compare against a dummy hash of the same cost.
 */
export class ConfigUserDirectory implements UserDirectory {
  private source: ReadonlyMap<string, UserConfig> | undefined;
  private directory!: Directory;
  /** Dummy hashes by bcrypt cost: a reload keeping the cost does not hash again (synchronously) in a request. */
  private readonly dummyHashes = new Map<number, string>();

  constructor(
    private readonly users: () => ReadonlyMap<string, UserConfig>,
    private readonly limiter: BcryptLimiter,
  ) {}

  async authenticate(username: string, password: string): Promise<User | undefined> {
    const { users, dummyHash } = this.current();
    const entry = users.get(username);
    // bcrypt only reads 72 bytes; a longer password could pass on its prefix, so refuse it
    // (after the same work as any other attempt).
    const tooLong = Buffer.byteLength(password, 'utf8') > BCRYPT_MAX_BYTES;
    const ok = await this.limiter.compare(password, entry?.hash ?? dummyHash, 'password');
    return entry && ok && !tooLong ? entry.user : undefined;
  }

  async findById(id: string): Promise<User | undefined> {
    return this.current().users.get(id)?.user;
  }

  private current(): Directory {
    const users = this.users();
    if (users !== this.source) {
      this.directory = buildDirectory(users, this.dummyHashes);
      this.source = users;
    }
    return this.directory;
  }
}

function buildDirectory(config: ReadonlyMap<string, UserConfig>, dummyHashes: Map<number, string>): Directory {
  const users = new Map<string, { hash: string; user: User }>();
  for (const [username, { password, claims }] of config) {
    users.set(username, { hash: password, user: Object.freeze({ id: username, claims: Object.freeze({ ...(claims ?? {}) }) }) });
  }
  const configured = Number(config.values().next().value?.password.slice(4, 6) ?? 10);
  const cost = Number.isInteger(configured) && configured >= 4 ? configured : 10;
  let dummyHash = dummyHashes.get(cost);
  if (dummyHash === undefined) {
    dummyHash = bcrypt.hashSync(`dummy-${Math.random()}`, cost);
    dummyHashes.set(cost, dummyHash);
  }
  return { users, dummyHash };
}
