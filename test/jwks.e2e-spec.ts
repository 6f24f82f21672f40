import { importJWK } from 'jose';
import request from 'supertest';
import { Algorithm, generateTestKey, writeKeyFile } from './support/test-keys.js';
import { TestApp, baseConfig, startTestApp } from './support/test-app.js';

/**
 * `GET /.well-known/public.jwk` (RFC 7517): every key that may verify a live token, and never a
 * private member. A leaked `d` (EC/OKP/RSA private exponent), RSA CRT factor or symmetric `k`
 * would hand out the signing key.
 */
describe('GET /.well-known/public.jwk', () => {
  const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'k', 'oth'];
  /** The members a public JWK of each type may carry (RFC 7517 §4, RFC 7518 §6, RFC 8037 §2). */
  const ALLOWED: Record<string, string[]> = {
    EC: ['kty', 'crv', 'x', 'y', 'kid', 'alg', 'use'],
    RSA: ['kty', 'n', 'e', 'kid', 'alg', 'use'],
    OKP: ['kty', 'crv', 'x', 'kid', 'alg', 'use'],
  };

  /** Every object key anywhere in the document. */
  function allMembers(value: unknown, found: string[] = []): string[] {
    if (Array.isArray(value)) value.forEach((v) => allMembers(v, found));
    else if (value && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) {
        found.push(k);
        allMembers(v, found);
      }
    }
    return found;
  }

  const algorithms: Algorithm[] = ['ES256', 'RS256', 'EdDSA'];
  let t: TestApp;

  beforeAll(async () => {
    // Every algorithm, for both purposes, given in every accepted form (file, PEM, private JWK).
    const entry = (purpose: string, algorithm: Algorithm, i: number) => {
      const key = generateTestKey(algorithm);
      const source = i % 3 === 0 ? { 'private-key-file': writeKeyFile(key.pem) }
        : i % 3 === 1 ? { 'private-key': key.pem } : { 'private-key': key.jwkJson };
      return { id: `${purpose}-${algorithm}`, algorithm, ...source };
    };
    t = await startTestApp(baseConfig({
      keys: {
        'access-token': algorithms.map((a, i) => entry('at', a, i)),
        'id-token': algorithms.map((a, i) => entry('it', a, i + 1)),
      },
    }));
  });
  afterAll(async () => t.close());

  it('serves a JWK Set with a cacheable JSON content type', async () => {
    const res = await request(t.server).get('/.well-known/public.jwk');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/(jwk-set\+)?json/);
    expect(res.headers['cache-control']).toMatch(/\bpublic\b/);
    expect(res.headers['cache-control']).toMatch(/\bmax-age=\d+/);
    expect(res.headers['cache-control']).not.toMatch(/no-store|private/);
    const body = JSON.parse(res.text);
    expect(Object.keys(body)).toEqual(['keys']);
  });

  it('never serves a private key member, for ES256, RS256 and EdDSA keys', async () => {
    const body = JSON.parse((await request(t.server).get('/.well-known/public.jwk')).text);
    expect(allMembers(body).filter((m) => PRIVATE_MEMBERS.includes(m))).toEqual([]);
    for (const jwk of body.keys) expect(Object.keys(jwk).filter((m) => !ALLOWED[jwk.kty]?.includes(m))).toEqual([]);
  });

  it('publishes every configured key of both purposes, each importable as a public key', async () => {
    const body = JSON.parse((await request(t.server).get('/.well-known/public.jwk')).text);
    expect(body.keys.map((k: { kid: string }) => k.kid).sort()).toEqual(
      ['at-ES256', 'at-EdDSA', 'at-RS256', 'it-ES256', 'it-EdDSA', 'it-RS256']);
    for (const jwk of body.keys) {
      expect(jwk.use).toBe('sig');
      expect(algorithms).toContain(jwk.alg);
      const key = await importJWK(jwk, jwk.alg);
      expect((key as { type: string }).type).toBe('public');
    }
  });

  it('carries nothing of the private key material in the response text', async () => {
    const text = (await request(t.server).get('/.well-known/public.jwk')).text;
    for (const key of t.configuration.keys.all) {
      const priv = key.privateKey.export({ format: 'jwk' }) as Record<string, string>;
      for (const member of PRIVATE_MEMBERS) if (priv[member]) expect(text).not.toContain(priv[member]);
    }
  });
});
