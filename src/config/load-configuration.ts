import { ClientRegistry } from '../clients/client-registry.js';
import { SigningKeys } from '../keys/signing-keys.js';
import { ScopeRegistry } from '../scopes/scope-registry.js';
import { ConfigErrors } from './config-errors.js';
import { configFilesFromEnv, readConfigFiles } from './config-files.js';
import { ParsedConfiguration, parseConfiguration } from './parse-configuration.js';
import { expandReferences } from './reference-expander.js';

export interface LoadOptions {
  /** Configuration files, merged in order; default: `SYMPAUTHY_CONFIG` or `config/sympauthy.yml`. */
  files?: string[];
  /** Where `${NAME}` is looked up; default `process.env`. */
  env?: Record<string, string | undefined>;
}

/**
 * The validated configuration and the read-only registries built from it. Built once, before
 * Nest starts, by {@link loadConfiguration}; nothing reads the raw files or `process.env` after.
 */
export class LoadedConfiguration {
  constructor(
    readonly files: string[],
    readonly parsed: ParsedConfiguration,
    readonly scopes: ScopeRegistry,
    readonly clients: ClientRegistry,
    readonly keys: SigningKeys,
    /** Things that work but an operator should know (e.g. generated signing keys). */
    readonly warnings: string[],
  ) {}

  /** The issuer identifier: `urls.root` without a trailing slash. */
  get issuer(): string {
    return this.parsed.urls.root.replace(/\/$/, '');
  }
}

/**
 * files → `${…}` expansion → typed classes → validation → registries, in one pass that collects
 * every problem; throws a `ConfigurationError` listing all of them.
 */
export function loadConfiguration(options: LoadOptions = {}): LoadedConfiguration {
  const env = options.env ?? process.env;
  const files = options.files ?? configFilesFromEnv(env);
  const errors = new ConfigErrors();
  const warnings: string[] = [];
  const raw = readConfigFiles(files, errors);
  const expanded = expandReferences(raw, { env }, errors) as Record<string, unknown>;
  const parsed = errors.isEmpty || Object.keys(expanded).length > 0 ? parseConfiguration(expanded, errors) : undefined;
  if (!parsed) {
    errors.throwIfAny();
    throw new Error('unreachable: configuration without errors failed to parse');
  }
  const scopes = ScopeRegistry.build(parsed, errors);
  const clients = ClientRegistry.build(parsed, scopes, errors);
  const keys = SigningKeys.build(parsed.keys, errors, warnings);
  if (parsed.store.type === 'redis' && !parsed.store.allowGeneratedKeys) {
    for (const [purpose, list] of [['access-token', parsed.keys.accessToken], ['id-token', parsed.keys.idToken]] as const) {
      if (list.length === 0) {
        errors.add(`keys.${purpose}`, 'is required with store.type redis: replicas sharing a store must sign with the same ' +
          'configured keys (generated keys differ per replica). For development only, store.allow-generated-keys: true allows them');
      }
    }
  }
  errors.throwIfAny();
  return new LoadedConfiguration(files, parsed, scopes, clients, keys, warnings);
}
