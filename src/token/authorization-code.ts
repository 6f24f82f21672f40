import { createHash } from 'node:crypto';
import { randomToken } from '../common/secure-tokens.js';

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

const CODE_FORMAT = /^([A-Za-z0-9_-]{16,64})\.[A-Za-z0-9_-]{43}$/;

/**
 * Authorization codes are opaque to clients: `<grant id>.<256 random bits>`. The grant id lets a
 * redemption ask, in the same batch as it spends the code, whether the grant was revoked before
 * (a logout that revokes its session's tokens reaches the codes not yet redeemed); it reveals
 * nothing the tokens of the grant do not carry (`gid`). Only the SHA-256 of the code is stored.
 */
export function mintAuthorizationCode(grantId: string): string {
  return `${grantId}.${randomToken()}`;
}

/** The grant id of a well-formed authorization code, else `undefined`. */
export function authorizationCodeGrant(code: string): string | undefined {
  return CODE_FORMAT.exec(code)?.[1];
}
