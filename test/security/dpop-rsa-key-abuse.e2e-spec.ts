// Risk: a DPoP proof's RSA jwk is crafted to slip past the key-size rule or to make checking it
// expensive — RFC 9449 §4.3 / RFC 7518 §3.3 (RSA keys of at least 2048 bits) and §11 (a proof is
// checked before the client is trusted with anything, so an unauthenticated caller with a public
// client's id chooses the key the server verifies with). A 512-bit key written with leading zero
// octets looked 2048 bits long; a public exponent as long as the modulus made one forged proof
// cost a full modular exponentiation (~7 ms of CPU for 3072 bits, about 80 ES256 checks).
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import type { KeyObject } from 'node:crypto';
import request from 'supertest';
import { DpopKey, dpopKey, dpopProof } from '../support/dpop.js';
import { TEST_ROOT, TestApp, baseConfig, startTestApp } from '../support/test-app.js';
import { SPA, SVC, tokenRequest } from '../support/token-endpoint.js';

const TOKEN_URL = `${TEST_ROOT}/api/oauth2/token`;
const PAR_URL = `${TEST_ROOT}/api/oauth2/par`;

function rsaKey(bits: number, jwk?: (real: Record<string, string>) => Record<string, string>): DpopKey {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: bits });
  const real = publicKey.export({ format: 'jwk' }) as Record<string, string>;
  return { alg: 'RS256', privateKey: privateKey as KeyObject, jwk: jwk ? jwk(real) : real, jkt: '' };
}

describe('security: abusive RSA keys in DPoP proofs', () => {
  let t: TestApp;
  beforeAll(async () => { t = await startTestApp(baseConfig()); });
  afterAll(async () => t.close());

  it('refuses a 512-bit RSA key padded with zero octets to look like 2048 bits, though its signature verifies', async () => {
    const weak = rsaKey(512, (real) => ({ kty: 'RSA', e: real.e, n: Buffer.concat([Buffer.alloc(192), Buffer.from(real.n, 'base64url')]).toString('base64url') }));
    const res = await tokenRequest(t, { grant_type: 'client_credentials' }, SVC).set('DPoP', dpopProof(weak, { htu: TOKEN_URL }));
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_dpop_proof');
    expect(res.body.access_token).toBeUndefined();
  });

  it('refuses a huge public exponent by looking at the key, before any signature check, from an unauthenticated public client', async () => {
    const exponent = randomBytes(384);
    exponent[0] |= 0x80;
    exponent[383] |= 1;
    const costly = rsaKey(3072, (real) => ({ kty: 'RSA', n: real.n, e: exponent.toString('base64url') }));
    for (const [path, htu, client] of [['/api/oauth2/token', TOKEN_URL, SPA], ['/api/oauth2/par', PAR_URL, SPA]] as const) {
      const req = path === '/api/oauth2/token'
        ? tokenRequest(t, { grant_type: 'authorization_code' }, client)
        : request(t.server).post(path).type('form').send({ client_id: client.clientId });
      const res = await req.set('DPoP', dpopProof(costly, { htu }));
      expect({ path, status: res.status, error: res.body.error }).toEqual({ path, status: 400, error: 'invalid_dpop_proof' });
      // The key check answered, not the signature check (which would have run the exponentiation).
      expect(res.body.error_description).toContain('public exponent');
    }
  });

  it('still accepts ordinary RSA keys (e = 65537) of 2048 and 3072 bits', async () => {
    for (const key of [dpopKey('RS256'), rsaKey(3072)]) {
      const res = await tokenRequest(t, { grant_type: 'client_credentials' }, SVC).set('DPoP', dpopProof(key, { htu: TOKEN_URL }));
      expect(res.status).toBe(200);
      expect(res.body.token_type).toBe('DPoP');
    }
  });
});
