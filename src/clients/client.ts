import { Audience } from '../scopes/scope-registry.js';
import { redirectUriMatches } from './redirect-uri-matcher.js';

/** The grants built into the token endpoint; extension modules may add others (absolute URIs, RFC 6749 §4.5). */
export const GRANT_TYPES = ['authorization_code', 'refresh_token', 'client_credentials'] as const;
export type BuiltInGrantType = (typeof GRANT_TYPES)[number];
/** A built-in grant type, or one an extension module registers. */
export type GrantType = BuiltInGrantType | (string & {});

/**
 * How a confidential client's secret is held: never the plain secret itself. A plain secret
 * from configuration is kept as its SHA-256 digest (compared in constant time); a bcrypt hash is
 * kept as configured.
 */
export type ClientSecret =
  | { readonly kind: 'plain'; readonly sha256: Buffer }
  | { readonly kind: 'bcrypt'; readonly hash: string };

export interface ClientProperties {
  id: string;
  name: string;
  isPublic: boolean;
  secret?: ClientSecret;
  redirectUris: string[];
  /** Where RP-initiated logout may redirect to (SPEC §6); none when absent. */
  postLogoutRedirectUris?: string[];
  grantTypes: GrantType[];
  /** Resolved: every configured scope when the configuration left `allowed-scopes` empty. */
  allowedScopes: string[];
  defaultScopes: string[];
  audience: Audience;
  uris: Record<string, string>;
  /** Browser origins allowed besides the redirect URIs' origins (CORS); none when omitted. */
  allowedOrigins?: string[];
  /** RFC 9449 §5.2 `dpop_bound_access_tokens`: every token request must carry a DPoP proof. */
  dpopBoundAccessTokens?: boolean;
  /** RFC 9126 §6 `require_pushed_authorization_requests`. */
  requirePushedAuthorizationRequests?: boolean;
}

/** An immutable, validated client (SPEC §1). */
export class Client {
  readonly id: string;
  readonly name: string;
  readonly isPublic: boolean;
  readonly secret?: ClientSecret;
  readonly redirectUris: readonly string[];
  readonly postLogoutRedirectUris: readonly string[];
  readonly grantTypes: ReadonlySet<GrantType>;
  readonly allowedScopes: ReadonlySet<string>;
  readonly defaultScopes: readonly string[];
  readonly audience: Audience;
  readonly uris: Readonly<Record<string, string>>;
  readonly allowedOrigins: readonly string[];
  readonly dpopBoundAccessTokens: boolean;
  readonly requirePushedAuthorizationRequests: boolean;

  constructor(props: ClientProperties) {
    this.id = props.id;
    this.name = props.name;
    this.isPublic = props.isPublic;
    this.secret = props.secret;
    this.redirectUris = Object.freeze([...props.redirectUris]);
    this.postLogoutRedirectUris = Object.freeze([...(props.postLogoutRedirectUris ?? [])]);
    this.grantTypes = new Set(props.grantTypes);
    this.allowedScopes = new Set(props.allowedScopes);
    this.defaultScopes = Object.freeze([...props.defaultScopes]);
    this.audience = props.audience;
    this.uris = Object.freeze({ ...props.uris });
    this.allowedOrigins = Object.freeze([...(props.allowedOrigins ?? [])]);
    this.dpopBoundAccessTokens = props.dpopBoundAccessTokens ?? false;
    this.requirePushedAuthorizationRequests = props.requirePushedAuthorizationRequests ?? false;
    Object.freeze(this);
  }

  get isConfidential(): boolean {
    return !this.isPublic;
  }

  allowsGrant(grantType: string): boolean {
    return this.grantTypes.has(grantType);
  }

  /**
   * Of scopes granted earlier (a sealed sign-in form, a code, a refresh-token family), those this
   * client is still allowed, order kept: a reload that takes a scope from the client (or removes
   * the scope: `allowedScopes` holds configured scopes only) ends it for tokens issued from then
   * on, as `/authorize` drops a scope outside `allowed-scopes`. The stored grant keeps its scopes.
   */
  stillAllowedOf(scopes: readonly string[]): string[] {
    return scopes.filter((scope) => this.allowedScopes.has(scope));
  }

  /** The registered redirect URI that `requested` matches, if any (exact, loopback port aside). */
  matchRedirectUri(requested: string): string | undefined {
    return this.redirectUris.find((registered) => redirectUriMatches(registered, requested));
  }

  /** Whether RP-initiated logout may redirect to `uri`: exact string comparison, no exception (SPEC §6). */
  allowsPostLogoutRedirectUri(uri: string): boolean {
    return this.postLogoutRedirectUris.includes(uri);
  }

  /** Public shape for logs and debugging: never the secret. */
  toJSON(): Record<string, unknown> {
    return { id: this.id, public: this.isPublic, grantTypes: [...this.grantTypes] };
  }
}
