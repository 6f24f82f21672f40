import { AuthorizationParameters, AuthorizationRedirectError } from '../authorization-request.js';

/** A nonce long enough for any real client (node-oidc-provider and Keycloak use 32–64 characters). */
export const MAX_NONCE_LENGTH = 512;

/** `nonce` (OIDC Core §3.1.2.1) is optional and echoed into the ID token: it is bounded. */
export function checkNonce(query: AuthorizationParameters): string | undefined {
  const nonce = query.params.nonce;
  if (nonce !== undefined && nonce.length > MAX_NONCE_LENGTH) {
    throw new AuthorizationRedirectError('invalid_request', `nonce is longer than ${MAX_NONCE_LENGTH} characters`);
  }
  return nonce;
}
