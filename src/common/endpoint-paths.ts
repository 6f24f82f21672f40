/** The paths of the OAuth and OpenID endpoints (SPEC §2), shared by the controllers, discovery and metrics. */
export const ENDPOINT_PATHS = {
  authorization: '/api/oauth2/authorize',
  token: '/api/oauth2/token',
  revocation: '/api/oauth2/revoke',
  introspection: '/api/oauth2/introspect',
  userinfo: '/api/openid/userinfo',
  endSession: '/api/openid/logout',
  pushedAuthorizationRequest: '/api/oauth2/par',
  jwks: '/.well-known/public.jwk',
} as const;
