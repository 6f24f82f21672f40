import { Injectable } from '@nestjs/common';
import { PROMPT_VALUES } from '../authorize/checks/prompt.check.js';
import { ENDPOINT_PATHS } from '../common/endpoint-paths.js';
import { DPOP_SIGNING_ALGORITHMS } from '../dpop/dpop-algorithms.js';
import { ActiveKeys } from '../keys/active-keys.js';
import { ServerSettings } from '../live-config/configuration-snapshot.js';
import { LiveConfiguration } from '../live-config/live-configuration.js';
import { PushedRequestPolicy } from '../par/pushed-request-policy.js';
import { Scopes } from '../scopes/scopes.js';
import { GrantHandlerRegistry } from '../token/grant-handler-registry.js';

interface Documents {
  openid: string;
  oauth: string;
}

/**
 * The OpenID Provider configuration (OIDC Discovery 1.0) and the authorization server metadata
 * (RFC 8414), serialized once per configuration (a reload that changes the scopes or the keys'
 * algorithms changes them): issuer = `urls.root`.
 */
@Injectable()
export class DiscoveryDocument {
  private readonly documents: () => Documents;

  constructor(
    live: LiveConfiguration,
    private readonly server: ServerSettings,
    private readonly keys: ActiveKeys,
    private readonly scopes: Scopes,
    private readonly grants: GrantHandlerRegistry,
    private readonly pushedRequests: PushedRequestPolicy,
  ) {
    // Derived on first use (after bootstrap, when every grant handler is registered), then again after each reload.
    this.documents = live.select(() => this.build());
  }

  get openidConfiguration(): string {
    return this.documents().openid;
  }

  get authorizationServerMetadata(): string {
    return this.documents().oauth;
  }

  private build(): Documents {
    const issuer = this.server.issuer;
    const authMethods = ['client_secret_basic', 'client_secret_post', 'none'];
    const common = {
      issuer,
      authorization_endpoint: issuer + ENDPOINT_PATHS.authorization,
      token_endpoint: issuer + ENDPOINT_PATHS.token,
      jwks_uri: issuer + ENDPOINT_PATHS.jwks,
      revocation_endpoint: issuer + ENDPOINT_PATHS.revocation,
      introspection_endpoint: issuer + ENDPOINT_PATHS.introspection,
      userinfo_endpoint: issuer + ENDPOINT_PATHS.userinfo,
      end_session_endpoint: issuer + ENDPOINT_PATHS.endSession,
      scopes_supported: this.scopes.ids,
      response_types_supported: ['code'],
      response_modes_supported: ['query'],
      grant_types_supported: this.grants.grantTypes,
      token_endpoint_auth_methods_supported: authMethods,
      revocation_endpoint_auth_methods_supported: authMethods,
      introspection_endpoint_auth_methods_supported: authMethods,
      code_challenge_methods_supported: ['S256'],
      prompt_values_supported: [...PROMPT_VALUES],
      authorization_response_iss_parameter_supported: true,
      access_token_signing_alg_values_supported: this.keys.algorithms('access-token'),
      dpop_signing_alg_values_supported: DPOP_SIGNING_ALGORITHMS,
      pushed_authorization_request_endpoint: issuer + ENDPOINT_PATHS.pushedAuthorizationRequest,
      require_pushed_authorization_requests: this.pushedRequests.requiredForAll,
    };
    return {
      oauth: JSON.stringify(common),
      openid: JSON.stringify({
        ...common,
        subject_types_supported: ['public'],
        id_token_signing_alg_values_supported: this.keys.algorithms('id-token'),
        claims_supported: ['iss', 'sub', 'aud', 'exp', 'iat', 'auth_time', 'nonce', 'at_hash',
          'name', 'given_name', 'family_name', 'preferred_username', 'email', 'email_verified',
          'address', 'phone_number', 'phone_number_verified'],
        claims_parameter_supported: false,
        request_parameter_supported: false,
        request_uri_parameter_supported: false,
      }),
    };
  }
}
