import { createLocalJWKSet, jwtVerify } from 'jose';
import type { JSONWebKeySet, JWTPayload, JWTVerifyResult, ProtectedHeaderParameters } from 'jose';
import request from 'supertest';
import type { TestApp } from './test-app.js';

/** The JWKS the app serves at `/.well-known/public.jwk`, as a resource server fetches it. */
export async function fetchJwks(t: TestApp): Promise<JSONWebKeySet> {
  const res = await request(t.server).get('/.well-known/public.jwk');
  expect(res.status).toBe(200);
  return JSON.parse(res.text) as JSONWebKeySet;
}

/**
 * Verifies an access token the way a resource server would (RFC 9068 §4): signature against the
 * served JWKS, `iss`, `aud`, `typ: at+jwt`, expiry.
 */
export async function verifyAccessToken(
  jwks: JSONWebKeySet,
  token: string,
  expected: { issuer: string; audience: string },
): Promise<JWTVerifyResult<JWTPayload> & { protectedHeader: ProtectedHeaderParameters }> {
  return jwtVerify(token, createLocalJWKSet(jwks), { issuer: expected.issuer, audience: expected.audience, typ: 'at+jwt' });
}

/** The claims of a JWT, without verifying it (for assertions after a verification elsewhere). */
export function claimsOf(token: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(token.split('.')[1], 'base64url').toString('utf8')) as Record<string, unknown>;
}
