import { AuthorizationParameters, AuthorizationRedirectError } from '../authorization-request.js';

/** BASE64URL(SHA-256(verifier)) is 32 bytes: 43 base64url characters, no padding. */
const S256_CHALLENGE = /^[A-Za-z0-9_-]{43}$/;

/**
 * PKCE (RFC 7636, OAuth 2.1 §4.1.1): every client, confidential or public, sends a
 * `code_challenge` with `code_challenge_method=S256`. `plain` (and a missing method, which
 * RFC 7636 would read as `plain`) is rejected.
 */
export function checkPkce(query: AuthorizationParameters): string {
  const challenge = query.params.code_challenge;
  const method = query.params.code_challenge_method;
  if (!challenge) throw new AuthorizationRedirectError('invalid_request', 'code_challenge is required (PKCE with S256)');
  if (method !== 'S256') {
    throw new AuthorizationRedirectError('invalid_request', method === undefined
      ? 'code_challenge_method is required and must be S256'
      : 'code_challenge_method must be S256');
  }
  if (!S256_CHALLENGE.test(challenge)) {
    throw new AuthorizationRedirectError('invalid_request', 'code_challenge must be 43 base64url characters (BASE64URL(SHA256(code_verifier)))');
  }
  return challenge;
}
