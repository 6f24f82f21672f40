import { decodeProtectedHeader } from 'jose';
import request from 'supertest';
import { fetchJwks, verifyAccessToken } from './support/resource-server.js';
import { generateTestKey, writeKeyFile } from './support/test-keys.js';
import { TEST_ROOT, TestApp, baseConfig, startTestApp } from './support/test-app.js';

/**
 * Key rotation without downtime (SPEC §2, Tokens): the first key of a list signs, the others are
 * only published. Add the new key second, then move it first: tokens signed by the old key keep
 * verifying through the JWKS until the old key is dropped.
 */
describe('signing key rotation', () => {
  const oldFile = writeKeyFile(generateTestKey('ES256').pem, 'at-old.pem');
  const newFile = writeKeyFile(generateTestKey('ES256').pem, 'at-new.pem');
  const idTokenFile = writeKeyFile(generateTestKey('ES256').pem, 'it-1.pem');
  const oldKey = { id: 'at-old', algorithm: 'ES256', 'private-key-file': oldFile };
  const newKey = { id: 'at-new', algorithm: 'ES256', 'private-key-file': newFile };
  const idKey = { id: 'it-1', algorithm: 'ES256', 'private-key-file': idTokenFile };
  const config = (accessTokenKeys: object[]) => baseConfig({ keys: { 'access-token': accessTokenKeys, 'id-token': [idKey] } });

  async function issue(t: TestApp): Promise<string> {
    const res = await request(t.server).post('/api/oauth2/token').auth('svc', 'svc-secret').type('form').send({ grant_type: 'client_credentials' });
    expect(res.status).toBe(200);
    return res.body.access_token as string;
  }

  async function withApp<T>(accessTokenKeys: object[], body: (t: TestApp) => Promise<T>): Promise<T> {
    const t = await startTestApp(config(accessTokenKeys));
    try {
      return await body(t);
    } finally {
      await t.close();
    }
  }

  it('keeps a token signed by the previous key verifiable after the new key is moved first', async () => {
    const { oldToken, jwksBefore } = await withApp([oldKey, newKey], async (t) => ({ oldToken: await issue(t), jwksBefore: await fetchJwks(t) }));
    expect(decodeProtectedHeader(oldToken).kid).toBe('at-old');
    // Before the switch, the new key is already published (caches can pick it up).
    expect(jwksBefore.keys.map((k) => k.kid)).toEqual(expect.arrayContaining(['at-old', 'at-new']));

    await withApp([newKey, oldKey], async (t) => {
      const jwks = await fetchJwks(t);
      expect(jwks.keys.map((k) => k.kid)).toEqual(expect.arrayContaining(['at-old', 'at-new', 'it-1']));
      const { payload } = await verifyAccessToken(jwks, oldToken, { issuer: TEST_ROOT, audience: 'default' });
      expect(payload.sub).toBe('svc');

      const newToken = await issue(t);
      expect(decodeProtectedHeader(newToken).kid).toBe('at-new');
      await verifyAccessToken(jwks, newToken, { issuer: TEST_ROOT, audience: 'default' });
      // A resource server that still holds the JWKS from before the switch verifies the new token too.
      await verifyAccessToken(jwksBefore, newToken, { issuer: TEST_ROOT, audience: 'default' });
    });
  });

  it('stops verifying tokens of a key once it is dropped from the list', async () => {
    const oldToken = await withApp([oldKey], issue);
    await withApp([newKey], async (t) => {
      const jwks = await fetchJwks(t);
      expect(jwks.keys.map((k) => k.kid)).not.toContain('at-old');
      await expect(verifyAccessToken(jwks, oldToken, { issuer: TEST_ROOT, audience: 'default' })).rejects.toThrow();
    });
  });

  it('publishes the id-token and access-token keys under distinct kids', async () => {
    await withApp([newKey, oldKey], async (t) => {
      const kids = (await fetchJwks(t)).keys.map((k) => k.kid);
      expect(kids.sort()).toEqual(['at-new', 'at-old', 'it-1']);
      expect(new Set(kids).size).toBe(kids.length);
      expect(t.configuration.keys.active('id-token').id).toBe('it-1');
      expect(t.configuration.keys.active('access-token').id).toBe('at-new');
    });
  });

  it('publishes distinct generated keys for both purposes when none is configured', async () => {
    const t = await startTestApp(baseConfig());
    try {
      const kids = (await fetchJwks(t)).keys.map((k) => k.kid);
      expect(kids).toHaveLength(2);
      const accessKid = decodeProtectedHeader(await issue(t)).kid;
      const idKid = t.configuration.keys.active('id-token').id;
      expect(kids.sort()).toEqual([accessKid, idKid].sort());
      expect(accessKid).not.toBe(idKid);
    } finally {
      await t.close();
    }
  });
});
