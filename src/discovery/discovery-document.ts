import { Inject, Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { LoadedConfiguration } from '../config/load-configuration.js';
import { GrantHandlerRegistry } from '../token/grant-handler-registry.js';

export const ENDPOINT_PATHS = {
  authorization: '/api/oauth2/authorize',
  token: '/api/oauth2/token',
  revocation: '/api/oauth2/revoke',
  introspection: '/api/oauth2/introspect',
  userinfo: '/api/openid/userinfo',
  jwks: '/.well-known/public.jwk',
} as const;

/**
 * The OpenID Provider configuration (OIDC Discovery 1.0) and the authorization server metadata
 * (RFC 8414), built once from the real configuration: issuer = `urls.root`.
 */
@Injectable()
export class DiscoveryDocument implements OnApplicationBootstrap {
  private openid = '';
  private oauth = '';

  constructor(
    @Inject(LoadedConfiguration) private readonly configuration: LoadedConfiguration,
    private readonly grants: GrantHandlerRegistry,
  ) {}

  onApplicationBootstrap(): void {
    const issuer = this.configuration.issuer;
    const keys = this.configuration.keys;
    const authMethods = ['client_secret_basic', 'client_secret_post', 'none'];
    const common = {
      issuer,
      authorization_endpoint: issuer + ENDPOINT_PATHS.authorization,
      token_endpoint: issuer + ENDPOINT_PATHS.token,
      jwks_uri: issuer + ENDPOINT_PATHS.jwks,
      revocation_endpoint: issuer + ENDPOINT_PATHS.revocation,
      introspection_endpoint: issuer + ENDPOINT_PATHS.introspection,
      userinfo_endpoint: issuer + ENDPOINT_PATHS.userinfo,
      scopes_supported: this.configuration.scopes.ids,
      response_types_supported: ['code'],
      response_modes_supported: ['query'],
      grant_types_supported: this.grants.grantTypes,
      token_endpoint_auth_methods_supported: authMethods,
      revocation_endpoint_auth_methods_supported: authMethods,
      introspection_endpoint_auth_methods_supported: authMethods,
      code_challenge_methods_supported: ['S256'],
      authorization_response_iss_parameter_supported: true,
      access_token_signing_alg_values_supported: keys.algorithms('access-token'),
    };
    this.oauth = JSON.stringify(common);
    this.openid = JSON.stringify({
      ...common,
      subject_types_supported: ['public'],
      id_token_signing_alg_values_supported: keys.algorithms('id-token'),
      claims_supported: ['iss', 'sub', 'aud', 'exp', 'iat', 'auth_time', 'nonce', 'at_hash',
        'name', 'given_name', 'family_name', 'preferred_username', 'email', 'email_verified',
        'address', 'phone_number', 'phone_number_verified'],
      claims_parameter_supported: false,
      request_parameter_supported: false,
      request_uri_parameter_supported: false,
    });
  }

  get openidConfiguration(): string {
    return this.openid;
  }

  get authorizationServerMetadata(): string {
    return this.oauth;
  }
}
