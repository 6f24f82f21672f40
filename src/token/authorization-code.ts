import { createHash } from 'node:crypto';

/**
 * What binds an authorization code to its redemption (OAuth 2.1 §4.1.3, RFC 7636, RFC 9449 §10):
 * the client, the redirect URI of the authorization request, the PKCE challenge, and the DPoP key
 * when the authorization request named one (`dpop_jkt`). The store keeps this digest with the
 * code and spends the code only for a redemption presenting the same digest, so a request that
 * fails any of these checks never spends the code of its owner.
 */
export function codeBinding(clientId: string, redirectUri: string, codeChallenge: string, dpopJkt = ''): string {
  return createHash('sha256').update(JSON.stringify([clientId, redirectUri, codeChallenge, dpopJkt])).digest('base64url');
}

/** `BASE64URL(SHA256(ASCII(code_verifier)))`: the challenge a verifier answers (RFC 7636 §4.6). */
export function s256Challenge(verifier: string): string {
  return createHash('sha256').update(verifier, 'ascii').digest('base64url');
}
