/**
 * The end-user directory port (SPEC §3). The built-in implementation reads `users.<username>`
 * from the configuration; a team replaces it (LDAP, a database, an HTTP service) by adding a
 * Nest module that provides and exports {@link USER_DIRECTORY}, without touching the OAuth
 * modules (see README, Extending, and examples/json-user-directory).
 */
export const USER_DIRECTORY = Symbol.for('sympauthy.UserDirectory');

export interface User {
  /** The stable subject identifier (`sub`). Must never equal a client id. */
  id: string;
  /** OpenID Connect standard claims (`name`, `email`, `email_verified`, `address`, …). */
  claims: Record<string, unknown>;
}

export interface UserDirectory {
  /**
   * Verifies a username and password. Implementations must do the same work whether or not
   * the user exists (e.g. compare against a dummy hash), so timing reveals nothing.
   */
  authenticate(username: string, password: string): Promise<User | undefined>;
  /** The user behind a `sub`, for UserInfo and ID-token claims; `undefined` if gone. */
  findById(id: string): Promise<User | undefined>;
}
