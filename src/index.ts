/**
 * The public API of SympAuthy for Nest: everything an extension module may use, and nothing else.
 * Extensions (and `examples/`) import from this entry point only (`sympauthy-nest` in the
 * package's `exports`); every other path is internal and may change. See the README's
 * "Extending" section for what each export is for.
 */

// Running the server from your own entry point
export { createApp } from './app.factory.js';
export type { CreateAppOptions } from './app.factory.js';
export { prepareStartup } from './config/startup-validation.js';
export type { Startup } from './config/startup-validation.js';
export { validateEnvironment, Environment } from './config/environment.js';
export { loadConfiguration } from './live-config/load-configuration.js';
export { ConfigurationSnapshot, ServerSettings } from './live-config/configuration-snapshot.js';
// Reloading it (SIGHUP does this in main.ts; an entry point of your own can call reload())
export { ConfigurationReloader } from './live-config/configuration-reloader.js';
export type { ReloadResult } from './live-config/configuration-reloader.js';
export type { ReloadOutcome } from './live-config/reload-metrics.js';
export { ConfigurationError } from './config/config-errors.js';

// Grants
export { TokenGrant, declaredGrantTypes } from './token/grant-handler.js';
export type { GrantHandler, GrantRequest, TokenResponse, ClientAuthenticationRequest, DpopBinding } from './token/grant-handler.js';
export { TokenModule } from './token/token.module.js';
export { TokenPolicy } from './token/token-policy.js';

// Issuing and verifying tokens with the server's keys
export { AccessTokenIssuer } from './token/access-token-issuer.js';
export type { AccessTokenRequest, IssuedAccessToken } from './token/access-token-issuer.js';
export { UserTokenIssuer } from './token/user-token-issuer.js';
export type { UserTokenRequest } from './token/user-token-issuer.js';
export { IdTokenIssuer } from './token/id-token-issuer.js';
export { AccessTokenVerifier } from './token/access-token-verifier.js';
export type { AccessTokenClaims } from './token/access-token-verifier.js';
export { TokenSigner } from './keys/token-signer.js';
// DPoP proofs (RFC 9449), for a protected endpoint of an extension: `verify` throws a DpopProofError
export { DpopModule } from './dpop/dpop.module.js';
export { DpopProofVerifier, DpopProofError } from './dpop/dpop-proof-verifier.js';
export type { DpopProofCheck, VerifiedDpopProof } from './dpop/dpop-proof-verifier.js';
export { DPOP_SIGNING_ALGORITHMS } from './dpop/dpop-algorithms.js';
export type { JwtClaims } from './keys/token-signer.js';
export type { KeyPurpose } from './keys/signing-keys.js';

// Clients, scopes
export { Client, GRANT_TYPES } from './clients/client.js';
export type { GrantType, BuiltInGrantType } from './clients/client.js';
export { Clients } from './clients/clients.js';
export { ClientAuthenticator } from './clients/client-authenticator.js';
export type { AuthenticatedClient, ClientAuthenticationMethod } from './clients/client-authenticator.js';
export { Scopes } from './scopes/scopes.js';
export { parseScopeParameter } from './scopes/scope-registry.js';

// Errors
export { OAuthError } from './common/oauth-error.js';
export { TemporarilyUnavailableError } from './common/temporarily-unavailable.js';
export { FormBody } from './common/form-body.js';

// The user directory port
export { USER_DIRECTORY } from './users/user-directory.js';
export type { User, UserDirectory } from './users/user-directory.js';
export { claimsForScopes } from './users/claims-by-scope.js';

// Passwords and secrets
export { BcryptLimiter, BcryptQueueFullError, BCRYPT_HASH, BCRYPT_MAX_BYTES, normalizeBcryptHash } from './common/bcrypt-limiter.js';
export type { BcryptLane } from './common/bcrypt-limiter.js';

// The store ports
export { AUTHORIZATION_CODE_STORE } from './store/authorization-code-store.js';
export type { AuthorizationCodeStore, AuthorizationCodeRecord, CodeRedemption, SpentCode } from './store/authorization-code-store.js';
export { REFRESH_TOKEN_STORE } from './store/refresh-token-store.js';
export type { RefreshTokenStore, RefreshTokenFamily, RefreshTokenRotation } from './store/refresh-token-store.js';
export { REVOCATION_STORE } from './store/revocation-store.js';
export type { RevocationStore } from './store/revocation-store.js';
export { ATTEMPT_COUNTER_STORE } from './store/attempt-counter-store.js';
export type { AttemptCounterStore, AttemptLeak, AttemptCounterState, AttemptReservation } from './store/attempt-counter-store.js';
export { REPLAY_CACHE } from './store/replay-cache.js';
export type { ReplayCache } from './store/replay-cache.js';
export { SESSION_STORE } from './store/session-store.js';
export type { SessionStore, SessionRecord, SessionGrant, SessionUse, SessionTouch } from './store/session-store.js';
export { PUSHED_REQUEST_STORE } from './store/pushed-request-store.js';
export type { PushedRequestStore, PushedRequest } from './store/pushed-request-store.js';
export { STORE_HEALTH } from './store/store-health.js';
export type { StoreHealth } from './store/store-health.js';
export { StoreUnavailableError } from './store/store-errors.js';
export { STORE_PORTS, memoryStoreProviders } from './store/store.module.js';

// Observability
export { Metrics } from './observability/metrics.js';
