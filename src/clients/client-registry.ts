import { createHash } from 'node:crypto';
import { ConfigErrors, keyPath } from '../config/config-errors.js';
import { ParsedConfiguration } from '../config/parse-configuration.js';
import { ClientConfig } from '../config/sympauthy-config.js';
import { BCRYPT_HASH } from '../common/bcrypt-limiter.js';
import { DEFAULT_AUDIENCE, ScopeRegistry } from '../scopes/scope-registry.js';
import { Client, ClientSecret, GRANT_TYPES, GrantType } from './client.js';
import { redirectUriProblem } from './redirect-uri-matcher.js';

const DEFAULT_TEMPLATE = 'default';
const CONFIDENTIAL_DEFAULT_GRANTS: GrantType[] = ['authorization_code', 'refresh_token', 'client_credentials'];
const PUBLIC_DEFAULT_GRANTS: GrantType[] = ['authorization_code', 'refresh_token'];
/** `${urls.root}` or `${client.uris.<key>}` inside a redirect URI. */
const CONFIG_REFERENCE = /\$\{([^{}]*)\}/g;

/** Read-only registry of the configured clients, looked up by `client_id`. */
export class ClientRegistry {
  private constructor(private readonly clients: ReadonlyMap<string, Client>) {}

  /**
   * Applies every rule of SPEC §1 to the configured clients, adding one message per problem to
   * `errors`. Clients with problems are left out of the registry (startup fails anyway).
   */
  static build(
    config: Pick<ParsedConfiguration, 'clients' | 'clientTemplates' | 'users' | 'urls'>,
    scopes: ScopeRegistry,
    errors: ConfigErrors,
    /** Grant types registered by the loaded extension modules, allowed in `allowed-grant-types` too. */
    extensionGrantTypes: readonly string[] = [],
  ): ClientRegistry {
    const clients = new Map<string, Client>();
    const known = [...new Set<string>([...GRANT_TYPES, ...extensionGrantTypes])];
    for (const [id, own] of config.clients) {
      const before = errors.list.length;
      const client = buildClient(id, own, config, scopes, errors, known);
      if (client && errors.list.length === before) clients.set(id, client);
    }
    return new ClientRegistry(clients);
  }

  find(clientId: string): Client | undefined {
    return this.clients.get(clientId);
  }

  get all(): Client[] {
    return [...this.clients.values()];
  }
}

function buildClient(
  id: string,
  own: ClientConfig,
  config: Pick<ParsedConfiguration, 'clientTemplates' | 'users' | 'urls'>,
  scopes: ScopeRegistry,
  errors: ConfigErrors,
  knownGrantTypes: readonly string[],
): Client | undefined {
  const path = keyPath('clients', id);
  if (id.trim() === '') {
    errors.add('clients', 'a client id must not be empty');
    return undefined;
  }
  if (!/^[\x20-\x7E]+$/.test(id)) errors.add(path, 'a client id must be printable ASCII');
  if (config.users.has(id)) {
    errors.add(path, `client id equals the username ${id}: a sub must never be ambiguous (RFC 9700 §4.15)`);
  }

  // Templates: the named one, or `default` when the client names none; client keys win.
  let template: ClientConfig | undefined;
  if (own.template !== undefined) {
    template = config.clientTemplates.get(own.template);
    if (!template) errors.add(keyPath(path, 'template'), `unknown template ${own.template}`);
  } else {
    template = config.clientTemplates.get(DEFAULT_TEMPLATE);
  }
  const merged: ClientConfig = { ...stripUndefined(template ?? {}), ...stripUndefined(own) };

  const isPublic = merged.public ?? false;
  const secret = checkSecret(path, isPublic, merged.secret, errors);

  const grantTypes = checkGrantTypes(path, isPublic, merged.allowedGrantTypes, errors, knownGrantTypes);
  const uris = merged.uris ?? {};
  // `urls` is absent when it failed validation (already reported): resolve what can be resolved.
  const redirectUris = checkRedirectUris(path, grantTypes, merged.allowedGrantTypes === undefined, merged.allowedRedirectUris, uris, config.urls?.root, errors);
  const postLogoutRedirectUris = checkPostLogoutRedirectUris(path, grantTypes, merged.allowedPostLogoutRedirectUris, uris, config.urls?.root, errors);

  for (const [key, scopeList] of [['allowed-scopes', merged.allowedScopes], ['default-scopes', merged.defaultScopes]] as const) {
    for (const scope of scopeList ?? []) {
      if (!scopes.has(scope)) errors.add(keyPath(path, key), `unknown scope ${scope}`);
    }
  }
  const allowedScopes = merged.allowedScopes && merged.allowedScopes.length > 0 ? merged.allowedScopes : scopes.ids;
  const defaultScopes = resolveDefaultScopes(path, own.defaultScopes, merged.defaultScopes, allowedScopes, scopes, errors);

  const audienceId = merged.audience ?? DEFAULT_AUDIENCE;
  const audience = scopes.audience(audienceId);
  if (!audience) errors.add(keyPath(path, 'audience'), `unknown audience ${audienceId}`);
  if (!audience || !grantTypes) return undefined;

  return new Client({
    id,
    name: merged.name ?? id,
    isPublic,
    secret,
    redirectUris,
    postLogoutRedirectUris,
    grantTypes,
    allowedScopes: allowedScopes.filter((s) => scopes.has(s)),
    defaultScopes,
    audience,
    uris,
    allowedOrigins: merged.allowedOrigins,
    dpopBoundAccessTokens: merged.dpopBoundAccessTokens,
    requirePushedAuthorizationRequests: merged.requirePushedAuthorizationRequests,
  });
}

/**
 * SPEC §1: `default-scopes` written on the client must lie within its `allowed-scopes`; those
 * inherited from a template are shared by every client using it, so they are filtered by each
 * client's `allowed-scopes` instead (a service account restricted to `billing.read` under a
 * template with `default-scopes: [openid, profile]` gets no default scope). Unknown scopes are
 * reported by the caller, and left out here.
 */
function resolveDefaultScopes(
  path: string,
  own: string[] | undefined,
  merged: string[] | undefined,
  allowedScopes: string[],
  scopes: ScopeRegistry,
  errors: ConfigErrors,
): string[] {
  const known = (merged ?? []).filter((scope) => scopes.has(scope));
  if (own === undefined) return known.filter((scope) => allowedScopes.includes(scope));
  for (const scope of known) {
    if (!allowedScopes.includes(scope)) errors.add(keyPath(path, 'default-scopes'), `scope ${scope} is not in allowed-scopes`);
  }
  return known;
}

function checkSecret(path: string, isPublic: boolean, secret: string | undefined, errors: ConfigErrors): ClientSecret | undefined {
  if (isPublic) {
    if (secret !== undefined) errors.add(keyPath(path, 'secret'), 'must be omitted for a public client');
    return undefined;
  }
  if (secret === undefined || secret === '') {
    errors.add(keyPath(path, 'secret'), 'is required for a confidential client (set public: true for a client that cannot keep a secret)');
    return undefined;
  }
  if (BCRYPT_HASH.test(secret)) return { kind: 'bcrypt', hash: secret };
  if (/^\$2[aby]\$/.test(secret)) {
    errors.add(keyPath(path, 'secret'), 'looks like a bcrypt hash but is malformed');
    return undefined;
  }
  return { kind: 'plain', sha256: createHash('sha256').update(secret, 'utf8').digest() };
}

function checkGrantTypes(
  path: string, isPublic: boolean, configured: string[] | undefined, errors: ConfigErrors, known: readonly string[],
): GrantType[] | undefined {
  const grantPath = keyPath(path, 'allowed-grant-types');
  if (configured === undefined) return isPublic ? PUBLIC_DEFAULT_GRANTS : CONFIDENTIAL_DEFAULT_GRANTS;
  let ok = true;
  for (const type of configured) {
    if (!known.includes(type)) {
      errors.add(grantPath, `unknown grant type ${type} (allowed: ${known.join(', ')}; an extension grant needs its module loaded)`);
      ok = false;
    }
  }
  if (configured.length === 0) {
    errors.add(grantPath, 'must list at least one grant type');
    ok = false;
  }
  if (isPublic && configured.includes('client_credentials')) {
    errors.add(grantPath, 'client_credentials is never allowed for a public client');
    ok = false;
  }
  if (configured.includes('refresh_token') && !configured.includes('authorization_code')) {
    errors.add(grantPath, 'refresh_token requires authorization_code');
    ok = false;
  }
  return ok ? [...new Set(configured)] : undefined;
}

function checkRedirectUris(
  path: string,
  grantTypes: GrantType[] | undefined,
  defaultGrantTypes: boolean,
  configured: string[] | undefined,
  uris: Record<string, string>,
  root: string | undefined,
  errors: ConfigErrors,
): string[] {
  const uriPath = keyPath(path, 'allowed-redirect-uris');
  const list = configured ?? [];
  const codeAllowed = grantTypes?.includes('authorization_code') ?? false;
  if (grantTypes && codeAllowed && list.length === 0) {
    errors.add(uriPath, 'at least one redirect URI is required when authorization_code is allowed' +
      (defaultGrantTypes ? ' (it is by default; set allowed-grant-types: [client_credentials] for a service account)' : ''));
  }
  if (grantTypes && !codeAllowed && list.length > 0) {
    errors.add(uriPath, 'must be omitted for a client without authorization_code');
  }
  return resolveUris(uriPath, list, uris, root, errors);
}

/** `allowed-post-logout-redirect-uris` (SPEC §6): checked and resolved like redirect URIs. */
function checkPostLogoutRedirectUris(
  path: string,
  grantTypes: GrantType[] | undefined,
  configured: string[] | undefined,
  uris: Record<string, string>,
  root: string | undefined,
  errors: ConfigErrors,
): string[] {
  const uriPath = keyPath(path, 'allowed-post-logout-redirect-uris');
  const list = configured ?? [];
  if (grantTypes && !grantTypes.includes('authorization_code') && list.length > 0) {
    errors.add(uriPath, 'must be omitted for a client without authorization_code (only its users sign in and out)');
  }
  return resolveUris(uriPath, list, uris, root, errors);
}

/** Resolves `${urls.root}` and `${client.uris.<key>}` in each URI and checks it (absolute, no fragment). */
function resolveUris(uriPath: string, list: string[], uris: Record<string, string>, root: string | undefined, errors: ConfigErrors): string[] {
  const resolved: string[] = [];
  list.forEach((template, i) => {
    let failed = false;
    const uri = template.replace(CONFIG_REFERENCE, (whole, name: string) => {
      if (name === 'urls.root') {
        if (root !== undefined) return root.replace(/\/$/, '');
        failed = true; // urls.root itself is reported invalid
        return whole;
      }
      const m = /^client\.uris\.(.+)$/.exec(name);
      if (m && Object.hasOwn(uris, m[1])) return uris[m[1]];
      failed = true;
      errors.add(keyPath(uriPath, i), `unknown reference ${whole} (use \${urls.root} or \${client.uris.<key>})`);
      return whole;
    });
    if (failed) return;
    const problem = redirectUriProblem(uri);
    if (problem) errors.add(keyPath(uriPath, i), problem);
    else if (!resolved.includes(uri)) resolved.push(uri);
  });
  return resolved;
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
