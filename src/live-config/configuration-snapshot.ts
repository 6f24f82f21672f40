import type { ClientRegistry } from '../clients/client-registry.js';
import type { TokenSettings } from '../config/parse-configuration.js';
import type { StoreConfig, UserConfig } from '../config/sympauthy-config.js';
import type { SigningKeys } from '../keys/signing-keys.js';
import type { AuthorizationSettings } from '../par/authorization-settings.js';
import type { ScopeRegistry } from '../scopes/scope-registry.js';
import type { SessionSettings } from '../session/session-settings.js';

/**
 * What never changes while the process runs (a change needs a restart): the issuer. Injectable
 * as is by any module.
 */
export class ServerSettings {
  /** Cookies carry `Secure` when the issuer is https. */
  readonly secureCookies: boolean;
  /**
   * The issuer's path without a trailing slash (`''` for `https://login.example.com`, `/auth` for
   * `https://example.com/auth`): what the browser sees before every endpoint path. The server's
   * own routes stay at `/api/…` (a proxy in front strips the prefix), so a page that links to
   * the server (a form's `action`) or scopes a cookie names `basePath` + the route.
   */
  readonly basePath: string;

  constructor(
    /** The issuer identifier: `urls.root` without a trailing slash. */
    readonly issuer: string,
  ) {
    this.secureCookies = issuer.startsWith('https:');
    this.basePath = new URL(issuer).pathname.replace(/\/+$/, '');
    Object.freeze(this);
  }
}

/** `store.*`, validated; `type` is always set. Fixed for the life of the process. */
export type StoreSettings = Readonly<Required<Pick<StoreConfig, 'type'>> & StoreConfig>;

/**
 * One whole, validated configuration: the slices every feature module reads, built by the
 * features themselves from the parsed files. Immutable; a reload builds a new snapshot and swaps
 * it in one step ({@link LiveConfiguration}).
 */
export class ConfigurationSnapshot {
  constructor(
    readonly files: readonly string[],
    /**
     * Every file the configuration was read from: `files`, the `${file:…}` references and the
     * `private-key-file`s (what a watching reload watches).
     */
    readonly sources: readonly string[],
    /**
     * A digest of the whole expanded configuration, keyed with a secret derived from the signing
     * keys: equal on every replica running the same configuration, and no help to anyone trying
     * to guess a secret of the configuration.
     */
    readonly hash: string,
    readonly server: ServerSettings,
    readonly clients: ClientRegistry,
    readonly scopes: ScopeRegistry,
    readonly keys: SigningKeys,
    readonly users: ReadonlyMap<string, UserConfig>,
    readonly tokens: Readonly<TokenSettings>,
    readonly store: StoreSettings,
    readonly session: SessionSettings,
    /** `authorization.*` (pushed authorization requests). */
    readonly authorization: AuthorizationSettings,
    /** Things that work but an operator should know (e.g. generated signing keys). */
    readonly warnings: readonly string[],
  ) {
    Object.freeze(this);
  }

  get issuer(): string {
    return this.server.issuer;
  }
}
