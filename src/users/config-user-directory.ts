import bcrypt from 'bcrypt';
import { nodeBcryptHash } from '../clients/secret-verifier.js';
import { bcryptCompare } from '../common/bcrypt-compare.js';
import { UserConfig } from '../config/sympauthy-config.js';
import { User, UserDirectory } from './user-directory.js';

/**
 * The built-in directory: `users.<username>` with a bcrypt `password` and `claims`. bcrypt runs
 * through its async API (libuv's thread pool), so the event loop keeps serving while a compare
 * runs and two cores give two compares at once. An unknown username costs a compare against a
 * dummy hash of the same cost.
 */
export class ConfigUserDirectory implements UserDirectory {
  private readonly users: ReadonlyMap<string, { hash: string; user: User }>;
  private readonly dummyHash: string;

  constructor(users: ReadonlyMap<string, UserConfig>) {
    const entries = new Map<string, { hash: string; user: User }>();
    for (const [username, config] of users) {
      entries.set(username, { hash: nodeBcryptHash(config.password), user: Object.freeze({ id: username, claims: Object.freeze({ ...(config.claims ?? {}) }) }) });
    }
    this.users = entries;
    const cost = Number(users.values().next().value?.password.slice(4, 6) ?? 10);
    this.dummyHash = bcrypt.hashSync(`dummy-${Math.random()}`, Number.isInteger(cost) && cost >= 4 ? cost : 10);
  }

  async authenticate(username: string, password: string): Promise<User | undefined> {
    const entry = this.users.get(username);
    // bcrypt only reads 72 bytes; a longer password could pass on its prefix, so refuse it
    // (after the same work as any other attempt).
    const tooLong = Buffer.byteLength(password, 'utf8') > 72;
    const ok = await bcryptCompare(password, entry?.hash ?? this.dummyHash);
    return entry && ok && !tooLong ? entry.user : undefined;
  }

  async findById(id: string): Promise<User | undefined> {
    return this.users.get(id)?.user;
  }
}
