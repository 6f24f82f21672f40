import { AuthorizationParameters, AuthorizationRedirectError } from '../authorization-request.js';

/** An RFC 7638 SHA-256 thumbprint, base64url: 43 characters. */
const JWK_THUMBPRINT = /^[A-Za-z0-9_-]{43}$/;

/**
 * `dpop_jkt` (RFC 9449 §10), optional: the thumbprint of the DPoP key the code will be bound to
 * (the token request must then carry a proof by that key).
 */
export function checkDpopJkt(query: AuthorizationParameters): string | undefined {
  const jkt = query.params.dpop_jkt;
  if (jkt !== undefined && !JWK_THUMBPRINT.test(jkt)) {
    throw new AuthorizationRedirectError('invalid_request', 'dpop_jkt must be the base64url SHA-256 JWK thumbprint (43 characters) of the DPoP key');
  }
  return jkt;
}
