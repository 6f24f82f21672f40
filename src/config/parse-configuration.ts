import 'reflect-metadata';
import { ClassConstructor, plainToInstance } from 'class-transformer';
import { ValidationError, getMetadataStorage, validateSync } from './class-validator.js';
import { closestMatch } from 'leven';
import { ConfigErrors, keyPath } from './config-errors.js';
import { isPlainObject } from './config-files.js';
import { parseDuration } from './duration.js';
import {
  AudienceConfig, AuthorizationConfig, ClientConfig, KeyConfig, RootConfig, ScopeConfig, SessionConfig, StoreConfig, UrlsConfig, UserConfig,
} from './sympauthy-config.js';

export interface TokenLifespans {
  accessTokenMs: number;
  refreshTokenMs: number;
  refreshTokenReuseGraceMs: number;
  authorizationCodeMs: number;
}

/** `token.*`: the lifespans, and whether DPoP proofs (RFC 9449) are required and carry server nonces. */
export interface TokenSettings extends TokenLifespans {
  dpopRequired: boolean;
  dpopNonce: boolean;
}

/** The structurally valid configuration, before the registries apply the semantic rules. */
export interface ParsedConfiguration {
  urls: UrlsConfig;
  audiences: Map<string, AudienceConfig>;
  scopes: Map<string, ScopeConfig>;
  clientTemplates: Map<string, ClientConfig>;
  clients: Map<string, ClientConfig>;
  users: Map<string, UserConfig>;
  keys: { accessToken: KeyConfig[]; idToken: KeyConfig[] };
  token: TokenSettings;
  authorization: AuthorizationConfig | undefined;
  store: StoreConfig | undefined;
  session: SessionConfig | undefined;
}

export const DEFAULT_LIFESPANS: TokenLifespans = {
  accessTokenMs: 15 * 60_000,
  refreshTokenMs: 30 * 86_400_000,
  refreshTokenReuseGraceMs: 0,
  authorizationCodeMs: 60_000,
};

/**
 * Turns the expanded tree into typed classes and validates every key (nested, unknown keys
 * included), collecting one message per problem. Returns `undefined` for sections that are
 * too broken to use; callers still get every problem through `errors`.
 */
export function parseConfiguration(tree: Record<string, unknown>, errors: ConfigErrors): ParsedConfiguration | undefined {
  reportProtoKeys(tree, '', errors);
  const root = validateInstance(RootConfig, tree, '', errors);
  if (!root) return undefined;
  reportZeroLifespans(root, errors);
  const templates = isPlainObject(root.templates) ? root.templates.clients : undefined;
  return {
    urls: root.urls,
    audiences: validateMap(AudienceConfig, root.audiences, 'audiences', errors),
    scopes: validateMap(ScopeConfig, root.scopes, 'scopes', errors),
    clientTemplates: validateMap(ClientConfig, templates, 'templates.clients', errors),
    clients: validateMap(ClientConfig, root.clients, 'clients', errors),
    users: validateMap(UserConfig, root.users, 'users', errors),
    keys: { accessToken: root.keys?.accessToken ?? [], idToken: root.keys?.idToken ?? [] },
    token: {
      accessTokenMs: parseDuration(root.token?.accessToken?.lifespan) ?? DEFAULT_LIFESPANS.accessTokenMs,
      refreshTokenMs: parseDuration(root.token?.refreshToken?.lifespan) ?? DEFAULT_LIFESPANS.refreshTokenMs,
      refreshTokenReuseGraceMs: parseDuration(root.token?.refreshToken?.reuseGrace) ?? DEFAULT_LIFESPANS.refreshTokenReuseGraceMs,
      authorizationCodeMs: parseDuration(root.token?.authorizationCode?.lifespan) ?? DEFAULT_LIFESPANS.authorizationCodeMs,
      dpopRequired: root.token?.dpopRequired ?? false,
      dpopNonce: root.token?.dpopNonce ?? false,
    },
    authorization: root.authorization,
    store: root.store,
    session: root.session,
  };
}

/**
 * A token or code that lives less than a second is expired when it arrives (`0s` codes make every
 * sign-in fail at the token endpoint): `token.*.lifespan` must be at least 1s, like `session.*`.
 * `refresh-token.reuse-grace` may be `0s` (its default).
 */
function reportZeroLifespans(root: RootConfig, errors: ConfigErrors): void {
  const lifespans: [string, string | undefined][] = [
    ['token.access-token.lifespan', root.token?.accessToken?.lifespan],
    ['token.refresh-token.lifespan', root.token?.refreshToken?.lifespan],
    ['token.authorization-code.lifespan', root.token?.authorizationCode?.lifespan],
  ];
  for (const [path, value] of lifespans) {
    const ms = parseDuration(value);
    if (ms !== undefined && ms < 1000) errors.add(path, 'must be at least 1s');
  }
}

/**
 * class-transformer silently skips a `__proto__` key (YAML and JSON keep it as an own key): it is
 * no configuration key anywhere, so report it like any unknown key instead of ignoring it.
 */
function reportProtoKeys(tree: unknown, path: string, errors: ConfigErrors): void {
  if (Array.isArray(tree)) tree.forEach((item, i) => reportProtoKeys(item, keyPath(path, i), errors));
  else if (isPlainObject(tree)) {
    for (const [key, value] of Object.entries(tree)) {
      if (key === '__proto__') errors.add(keyPath(path, key), 'unknown key');
      reportProtoKeys(value, keyPath(path, key), errors);
    }
  }
}

/** Validates each entry of an id-keyed section (`clients.<id>`, …); an empty entry counts as `{}`. */
function validateMap<T extends object>(cls: ClassConstructor<T>, section: unknown, path: string, errors: ConfigErrors): Map<string, T> {
  const out = new Map<string, T>();
  if (!isPlainObject(section)) return out;
  for (const [id, value] of Object.entries(section)) {
    const instance = validateInstance(cls, value ?? {}, keyPath(path, id), errors);
    if (instance) out.set(id, instance);
  }
  return out;
}

/** class-transformer then class-validator on one object; problems are added under `path`. */
export function validateInstance<T extends object>(cls: ClassConstructor<T>, plain: unknown, path: string, errors: ConfigErrors): T | undefined {
  if (!isPlainObject(plain)) {
    errors.add(path, 'must be a mapping of keys to values');
    return undefined;
  }
  const instance = plainToInstance(cls, plain, { exposeDefaultValues: false });
  reportDroppedKeys(plain, instance, path, errors);
  const problems = validateSync(instance, { whitelist: true, forbidNonWhitelisted: true, forbidUnknownValues: true });
  for (const problem of problems) {
    reportValidationError(problem, path, errors);
    // Drop what is invalid so that the semantic rules that follow see only well-typed values
    // and do not report the same problem twice.
    delete (instance as Record<string, unknown>)[problem.property];
  }
  return instance;
}

function reportValidationError(error: ValidationError, parent: string, errors: ConfigErrors): void {
  const unknownKey = error.constraints?.whitelistValidation !== undefined;
  // An unknown key is reported as written; known properties are shown by their YAML name.
  const path = keyPath(parent, unknownKey ? error.property : toKebab(error.property));
  for (const [constraint, message] of Object.entries(error.constraints ?? {})) {
    errors.add(path, constraint === 'whitelistValidation' ? unknownKeyMessage(error.property, error.target) : message);
  }
  for (const child of error.children ?? []) reportValidationError(child, path, errors);
}

/**
 * `unknown key`, plus the closest key of the same mapping when it is near enough to be a typo
 * (Levenshtein distance up to 40 % of the key's length): `allowed-redirect-uri` → did you mean
 * `allowed-redirect-uris`? The candidates are the keys the mapping's class declares.
 */
function unknownKeyMessage(key: string, target: object | undefined): string {
  const known = target ? knownKeys(target.constructor) : [];
  const suggestion = closestMatch(key, known, { maxDistance: Math.max(1, Math.round(key.length * 0.4)) });
  return suggestion === undefined ? 'unknown key' : `unknown key (did you mean ${suggestion}?)`;
}

/** The YAML names of the properties a configuration class validates. */
function knownKeys(cls: Function): string[] {
  const metadata = getMetadataStorage().getTargetValidationMetadatas(cls, '', true, false);
  return [...new Set(metadata.map((m) => toKebab(m.propertyName)))];
}

/**
 * class-transformer silently drops a key spelled like the property behind a YAML name
 * (`accessToken` for `access-token`, `allowedRedirectUris` for `allowed-redirect-uris`), at any
 * depth, so class-validator never sees it: walk the input beside the typed result and report
 * each such key as unknown, with the YAML name as the suggestion.
 */
function reportDroppedKeys(plain: unknown, typed: unknown, path: string, errors: ConfigErrors): void {
  if (Array.isArray(plain) && Array.isArray(typed)) {
    plain.forEach((item, i) => reportDroppedKeys(item, typed[i], keyPath(path, i), errors));
    return;
  }
  if (!isPlainObject(plain) || !isPlainObject(typed) || typed.constructor === Object) return;
  const known = knownKeys(typed.constructor);
  for (const [key, value] of Object.entries(plain)) {
    if (known.includes(key)) reportDroppedKeys(value, typed[toCamel(key)], keyPath(path, key), errors);
    else if (key !== toKebab(key) && known.includes(toKebab(key))) errors.add(keyPath(path, key), unknownKeyMessage(key, typed));
  }
}

function toCamel(yamlName: string): string {
  return yamlName.replace(/-([a-z])/g, (_, c: string) => c.toUpperCase());
}

/** `allowedRedirectUris` → `allowed-redirect-uris`; already-kebab names are unchanged. */
export function toKebab(property: string): string {
  return property.replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`);
}
