import { createHmac } from 'node:crypto';
import { ClientRegistry } from '../clients/client-registry.js';
import { ConfigErrors } from '../config/config-errors.js';
import { readConfigFiles } from '../config/config-files.js';
import { readBoundedTextFile } from '../config/read-bounded-file.js';
import { DEFAULT_CONFIG_FILE } from '../config/environment.js';
import { parseConfiguration } from '../config/parse-configuration.js';
import { expandReferences } from '../config/reference-expander.js';
import { SigningKeys } from '../keys/signing-keys.js';
import { buildAuthorizationSettings } from '../par/authorization-settings.js';
import { ScopeRegistry } from '../scopes/scope-registry.js';
import { buildSessionSettings } from '../session/session-settings.js';
import { buildStoreSettings } from '../store/store-settings.js';
import { ConfigurationSnapshot, ServerSettings } from './configuration-snapshot.js';

export interface LoadOptions {
  /** Configuration files, merged in order; default `config/sympauthy.yml`. */
  files?: readonly string[];
  /** Where `${NAME}` is looked up; default `process.env`. */
  env?: Record<string, string | undefined>;
  /** Grant types the loaded extension modules register (allowed in `allowed-grant-types`). */
  extensionGrantTypes?: readonly string[];
  /**
   * The configuration in force, when reloading: a purpose without a configured key keeps the key
   * generated for it at startup (a new ephemeral key would invalidate every live token).
   */
  previous?: ConfigurationSnapshot;
  /**
   * Filled with every file this load read or tried to read (configuration files, `${file:…}`
   * references, `private-key-file`s), also when it fails: what a reload must watch.
   */
  sources?: Set<string>;
}

/**
 * files → `${…}` expansion → typed classes and structural validation (`config/`) → each feature
 * builds its slice with its own rules (clients, scopes, keys, store, session), all in one pass that
 * collects every problem; throws a `ConfigurationError` listing all of them. Used at startup, by
 * `config:check` and by every reload.
 */
export function loadConfiguration(options: LoadOptions = {}): ConfigurationSnapshot {
  const env = options.env ?? process.env;
  const files = [...(options.files ?? [DEFAULT_CONFIG_FILE])];
  const errors = new ConfigErrors();
  const warnings: string[] = [];
  const sources = options.sources ?? new Set<string>();
  for (const file of files) sources.add(file);
  const raw = readConfigFiles(files, errors);
  const readReferencedFile = (path: string): string => {
    sources.add(path);
    return readBoundedTextFile(path);
  };
  const expanded = expandReferences(raw, { env, readFile: readReferencedFile }, errors) as Record<string, unknown>;
  const parsed = errors.isEmpty || Object.keys(expanded).length > 0 ? parseConfiguration(expanded, errors) : undefined;
  if (!parsed) {
    errors.throwIfAny();
    throw new Error('unreachable: configuration without errors failed to parse');
  }
  const scopes = ScopeRegistry.build(parsed, errors);
  const clients = ClientRegistry.build(parsed, scopes, errors, options.extensionGrantTypes);
  for (const key of [...parsed.keys.accessToken, ...parsed.keys.idToken]) {
    if (key.privateKeyFile !== undefined) sources.add(key.privateKeyFile);
  }
  const keys = SigningKeys.build(parsed.keys, errors, warnings, options.previous?.keys);
  const store = buildStoreSettings(parsed.store, parsed.keys, errors);
  const session = buildSessionSettings(parsed.session, errors);
  errors.throwIfAny();
  const issuer = parsed.urls.root.replace(/\/$/, '');
  return new ConfigurationSnapshot(
    files,
    [...sources],
    configurationHash(expanded, keys),
    new ServerSettings(issuer),
    clients,
    scopes,
    keys,
    parsed.users,
    Object.freeze({ ...parsed.token }),
    store,
    session,
    buildAuthorizationSettings(parsed.authorization),
    warnings,
  );
}

/**
 * HMAC-SHA-256 of the canonical JSON of the expanded tree and of the public keys (a key file's
 * content changes the hash, not only its path), under a key derived from the signing keys.
 */
function configurationHash(tree: unknown, keys: SigningKeys): string {
  return createHmac('sha256', keys.derivedSecret('configuration hash'))
    .update(canonicalJson({ configuration: tree, keys: keys.jwks() }))
    .digest('hex').slice(0, 16);
}

function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonicalJson((value as Record<string, unknown>)[k])}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
