import { Expose, Type } from 'class-transformer';
import {
  IsArray, IsBoolean, IsIn, IsNotEmpty, IsObject, IsOptional, IsString, Matches, ValidateNested,
} from './class-validator.js';
import { BCRYPT_HASH } from '../common/bcrypt-limiter.js';
import { IsOriginList } from '../cors/origins.js';
import {
  StoreRule, clusterProblem, keyPrefixProblem, onlyWithRedis, pemFileProblem, timeoutProblem, tlsProblem, urlProblem,
} from './store-config-rules.js';
import { IsDuration, IsStringMap } from './validators.js';

/**
 * The typed configuration tree (SPEC §4). YAML keys are kebab-case; each class maps them to
 * camelCase properties with `@Expose({ name })`. Maps keyed by an id (`clients.<id>`,
 * `users.<username>`, …) are plain records here and validated entry by entry by
 * {@link parseConfiguration}, which prefixes every message with the entry's key path.
 */

export class UrlsConfig {
  @IsString({ message: 'must be a string' })
  @Matches(/^https?:\/\/[^/?#]+(\/[^?#]*)?$/, { message: 'must be an absolute http(s) URL without query or fragment' })
  root: string;
}

export class AudienceConfig {
  @Expose({ name: 'token-audience' })
  @IsOptional() @IsString({ message: 'must be a string' }) @IsNotEmpty({ message: 'must not be empty' })
  tokenAudience?: string;
}

export class ScopeConfig {
  @IsOptional() @IsString({ message: 'must be a string' })
  audience?: string;

  @IsOptional() @IsString({ message: 'must be a string' })
  description?: string;
}

/** Every client key but the id; also the shape of a client template. */
export class ClientConfig {
  @IsOptional() @IsString({ message: 'must be a string' })
  name?: string;

  @IsOptional() @IsBoolean({ message: 'must be true or false' })
  public?: boolean;

  // An empty secret is reported by the client registry ("must be omitted" / "is required").
  @IsOptional() @IsString({ message: 'must be a string' })
  secret?: string;

  @Expose({ name: 'allowed-redirect-uris' })
  @IsOptional() @IsArray({ message: 'must be a list of URIs' })
  @IsString({ each: true, message: 'must be a list of strings' })
  allowedRedirectUris?: string[];

  @Expose({ name: 'allowed-grant-types' })
  @IsOptional() @IsArray({ message: 'must be a list of grant types' })
  @IsString({ each: true, message: 'must be a list of strings' })
  allowedGrantTypes?: string[];

  @Expose({ name: 'allowed-scopes' })
  @IsOptional() @IsArray({ message: 'must be a list of scopes' })
  @IsString({ each: true, message: 'must be a list of strings' })
  allowedScopes?: string[];

  @Expose({ name: 'default-scopes' })
  @IsOptional() @IsArray({ message: 'must be a list of scopes' })
  @IsString({ each: true, message: 'must be a list of strings' })
  defaultScopes?: string[];

  @IsOptional() @IsString({ message: 'must be a string' })
  audience?: string;

  @IsOptional() @IsString({ message: 'must be a string' })
  template?: string;

  @IsOptional() @IsStringMap({ message: 'must be a mapping of names to URIs' })
  uris?: Record<string, string>;

  /** Where RP-initiated logout may send the browser back to (SPEC §6): exact URIs. */
  @Expose({ name: 'allowed-post-logout-redirect-uris' })
  @IsOptional() @IsArray({ message: 'must be a list of URIs' })
  @IsString({ each: true, message: 'must be a list of strings' })
  allowedPostLogoutRedirectUris?: string[];

  /** Browser origins allowed to call the token, revocation, introspection and UserInfo endpoints, besides the redirect URIs' (docs/cors.md). */
  @Expose({ name: 'allowed-origins' })
  @IsOptional() @IsArray({ message: 'must be a list of origins' })
  @IsOriginList()
  allowedOrigins?: string[];
  /** RFC 9449 §5.2: every token request of this client must carry a DPoP proof. */
  @Expose({ name: 'dpop-bound-access-tokens' })
  @IsOptional() @IsBoolean({ message: 'must be true or false' })
  dpopBoundAccessTokens?: boolean;

  /** RFC 9126 §6: this client's authorization requests must come through PAR (a `request_uri`). */
  @Expose({ name: 'require-pushed-authorization-requests' })
  @IsOptional() @IsBoolean({ message: 'must be true or false' })
  requirePushedAuthorizationRequests?: boolean;
}

export class TemplatesConfig {
  @IsOptional() @IsObject({ message: 'must be a mapping of template names to client settings' })
  clients?: Record<string, unknown>;
}

export class UserConfig {
  @IsString({ message: 'must be a bcrypt hash' })
  @Matches(BCRYPT_HASH, { message: 'must be a bcrypt hash ($2a$, $2b$ or $2y$); create one with `npm run hash-secret`' })
  password: string;

  @IsOptional() @IsObject({ message: 'must be a mapping of claim names to values' })
  claims?: Record<string, unknown>;
}

export const SIGNING_ALGORITHMS = ['ES256', 'RS256', 'EdDSA'] as const;
export type SigningAlgorithm = (typeof SIGNING_ALGORITHMS)[number];

export class KeyConfig {
  @IsString({ message: 'must be a string (the kid)' }) @IsNotEmpty({ message: 'must not be empty' })
  id: string;

  @IsOptional() @IsIn(SIGNING_ALGORITHMS as unknown as string[], { message: `must be one of ${SIGNING_ALGORITHMS.join(', ')}` })
  algorithm?: SigningAlgorithm;

  @Expose({ name: 'private-key' })
  @IsOptional() @IsString({ message: 'must be PKCS#8 PEM text or a JWK (JSON)' })
  privateKey?: string;

  @Expose({ name: 'private-key-file' })
  @IsOptional() @IsString({ message: 'must be a file path' })
  privateKeyFile?: string;
}

export class KeysConfig {
  @Expose({ name: 'access-token' })
  @IsOptional() @IsArray({ message: 'must be a list of keys' })
  @ValidateNested({ each: true }) @Type(() => KeyConfig)
  accessToken?: KeyConfig[];

  @Expose({ name: 'id-token' })
  @IsOptional() @IsArray({ message: 'must be a list of keys' })
  @ValidateNested({ each: true }) @Type(() => KeyConfig)
  idToken?: KeyConfig[];
}

export class LifespanConfig {
  @IsOptional() @IsDuration()
  lifespan?: string;
}

export class RefreshTokenConfig extends LifespanConfig {
  @Expose({ name: 'reuse-grace' })
  @IsOptional() @IsDuration()
  reuseGrace?: string;
}

export class TokenConfig {
  @Expose({ name: 'access-token' })
  @IsOptional() @IsObject({ message: 'must be a mapping' }) @ValidateNested() @Type(() => LifespanConfig)
  accessToken?: LifespanConfig;

  @Expose({ name: 'refresh-token' })
  @IsOptional() @IsObject({ message: 'must be a mapping' }) @ValidateNested() @Type(() => RefreshTokenConfig)
  refreshToken?: RefreshTokenConfig;

  @Expose({ name: 'authorization-code' })
  @IsOptional() @IsObject({ message: 'must be a mapping' }) @ValidateNested() @Type(() => LifespanConfig)
  authorizationCode?: LifespanConfig;

  /** RFC 9449: every client must send a DPoP proof with its token requests (default false). */
  @Expose({ name: 'dpop-required' })
  @IsOptional() @IsBoolean({ message: 'must be true or false' })
  dpopRequired?: boolean;

  /** RFC 9449 §8: DPoP proofs must carry a nonce the server issued (`use_dpop_nonce`; default false). */
  @Expose({ name: 'dpop-nonce' })
  @IsOptional() @IsBoolean({ message: 'must be true or false' })
  dpopNonce?: boolean;
}

/** `authorization.*`: the authorization endpoint. */
export class AuthorizationConfig {
  /** RFC 9126 §5: every client must push its authorization requests (default false). */
  @Expose({ name: 'require-pushed-authorization-requests' })
  @IsOptional() @IsBoolean({ message: 'must be true or false' })
  requirePushedAuthorizationRequests?: boolean;
}

/** `session.*`: single sign-on sessions (SPEC §6). */
export class SessionConfig {
  /** How long a session lasts after the sign-in, however much it is used (default 8h). */
  @IsOptional() @IsDuration()
  lifespan?: string;

  /** How long a session lasts unused (default 1h). */
  @Expose({ name: 'idle-timeout' })
  @IsOptional() @IsDuration()
  idleTimeout?: string;

  /** Whether ending a session (logout) revokes the refresh tokens issued in it (default false). */
  @Expose({ name: 'logout-revokes-tokens' })
  @IsOptional() @IsBoolean({ message: 'must be true or false' })
  logoutRevokesTokens?: boolean;
}

export const STORE_TYPES = ['memory', 'redis'] as const;

/** `store.tls`: TLS for the Redis connection (a rediss:// URL, or every node of a cluster). */
export class StoreTlsConfig {
  /** PEM file of the CA that signed the server's certificate; default: the system's CAs. */
  @Expose({ name: 'ca-file' })
  @StoreRule('pemFile', pemFileProblem)
  caFile?: string;

  /** Client certificate (PEM), for servers that require one; needs `key-file`. */
  @Expose({ name: 'cert-file' })
  @StoreRule('pemFile', pemFileProblem)
  @StoreRule('certPair', (value, tls) => (value === undefined) !== ((tls as StoreTlsConfig).keyFile === undefined)
    ? 'and store.tls.key-file go together (a client certificate and its private key)' : undefined)
  certFile?: string;

  /** The client certificate's private key (PEM). */
  @Expose({ name: 'key-file' })
  @StoreRule('pemFile', pemFileProblem)
  keyFile?: string;

  /** The name the server's certificate must carry (SNI), when it differs from the host. */
  @Expose({ name: 'server-name' })
  @IsOptional() @IsString({ message: 'must be a string' }) @IsNotEmpty({ message: 'must not be empty' })
  serverName?: string;
}

export class StoreConfig {
  @IsOptional() @IsIn(STORE_TYPES as unknown as string[], { message: `must be one of ${STORE_TYPES.join(', ')}` })
  type?: (typeof STORE_TYPES)[number];

  /** One Redis node: `redis://[user:password@]host:port[/db]`, or `rediss://` for TLS. */
  @StoreRule('storeUrl', urlProblem)
  url?: string;

  /** A Redis Cluster: its seed nodes as `host:port` (instead of `url`). */
  @StoreRule('storeCluster', clusterProblem)
  cluster?: string[];

  /** Redis ACL user and password (they override those of `url`); for a cluster, every node's. */
  @StoreRule('redisOnly', onlyWithRedis)
  @IsOptional() @IsString({ message: 'must be a string' }) @IsNotEmpty({ message: 'must not be empty' })
  username?: string;

  @StoreRule('redisOnly', onlyWithRedis)
  @IsOptional() @IsString({ message: 'must be a string' }) @IsNotEmpty({ message: 'must not be empty' })
  password?: string;

  /** Prepended to every key (default `sympauthy:`), so several servers can share one Redis. */
  @Expose({ name: 'key-prefix' })
  @StoreRule('keyPrefix', keyPrefixProblem)
  keyPrefix?: string;

  @StoreRule('storeTls', tlsProblem)
  @IsOptional() @IsObject({ message: 'must be a mapping (`{}` for TLS with the system CAs)' })
  @ValidateNested() @Type(() => StoreTlsConfig)
  tls?: StoreTlsConfig;

  /** How long connecting (TCP, TLS, AUTH) may take before the attempt is retried (default 5s). */
  @Expose({ name: 'connect-timeout' })
  @StoreRule('timeout', timeoutProblem)
  connectTimeout?: string;

  /** How long one store operation may wait for Redis before it fails with 503 (default 2s). */
  @Expose({ name: 'command-timeout' })
  @StoreRule('timeout', timeoutProblem)
  commandTimeout?: string;

  /**
   * Development only: lets replicas sharing a Redis store start with generated signing keys
   * (each would sign with its own). Without it, `store.type: redis` needs configured `keys`.
   */
  @Expose({ name: 'allow-generated-keys' })
  @StoreRule('redisOnly', onlyWithRedis)
  @IsOptional() @IsBoolean({ message: 'must be true or false' })
  allowGeneratedKeys?: boolean;
}

/** The root of the configuration tree. Sections with ids as keys stay raw here (see above). */
export class RootConfig {
  @IsObject({ message: 'is required: a mapping with `root`, the public base URL and issuer' })
  @ValidateNested() @Type(() => UrlsConfig)
  urls: UrlsConfig;

  @IsOptional() @IsObject({ message: 'must be a mapping of audience ids' })
  audiences?: Record<string, unknown>;

  @IsOptional() @IsObject({ message: 'must be a mapping of scope ids' })
  scopes?: Record<string, unknown>;

  @IsOptional() @IsObject({ message: 'must be a mapping' }) @ValidateNested() @Type(() => TemplatesConfig)
  templates?: TemplatesConfig;

  @IsOptional() @IsObject({ message: 'must be a mapping of client ids' })
  clients?: Record<string, unknown>;

  @IsOptional() @IsObject({ message: 'must be a mapping of usernames' })
  users?: Record<string, unknown>;

  @IsOptional() @IsObject({ message: 'must be a mapping' }) @ValidateNested() @Type(() => KeysConfig)
  keys?: KeysConfig;

  @IsOptional() @IsObject({ message: 'must be a mapping' }) @ValidateNested() @Type(() => TokenConfig)
  token?: TokenConfig;

  @IsOptional() @IsObject({ message: 'must be a mapping' }) @ValidateNested() @Type(() => AuthorizationConfig)
  authorization?: AuthorizationConfig;

  @IsOptional() @IsObject({ message: 'must be a mapping' }) @ValidateNested() @Type(() => StoreConfig)
  store?: StoreConfig;

  @IsOptional() @IsObject({ message: 'must be a mapping' }) @ValidateNested() @Type(() => SessionConfig)
  session?: SessionConfig;
}
