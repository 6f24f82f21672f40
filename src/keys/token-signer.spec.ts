import { sign } from 'node:crypto';
import { SigningAlgorithm } from '../config/sympauthy-config.js';
import { SigningKeys, generateSigningKey } from './signing-keys.js';
import { TokenSigner } from './token-signer.js';

function signerWith(algorithm: SigningAlgorithm, extraAccessKeys = 0): { signer: TokenSigner; keys: SigningKeys } {
  const keys = SigningKeys.fromKeys(
    [generateSigningKey('access-token', algorithm, 'at-1'),
      ...Array.from({ length: extraAccessKeys }, (_, i) => generateSigningKey('access-token', algorithm, `at-${i + 2}`))],
    [generateSigningKey('id-token', algorithm, 'it-1')],
  );
  return { signer: new TokenSigner(keys), keys };
}

const b64 = (value: unknown) => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
const now = () => Math.floor(Date.now() / 1000);

describe('TokenSigner', () => {
  describe.each(['ES256', 'RS256', 'EdDSA'] as const)('%s', (algorithm) => {
    const { signer } = signerWith(algorithm);
    const claims = { sub: 'svc', exp: now() + 60 };

    it('signs with the active key of the purpose and verifies its own tokens', async () => {
      const token = await signer.sign('access-token', claims, 'at+jwt');
      expect(JSON.parse(Buffer.from(token.split('.')[0], 'base64url').toString())).toEqual({ alg: algorithm, typ: 'at+jwt', kid: 'at-1' });
      expect(signer.verify(token, 'access-token', 'at+jwt')).toMatchObject(claims);
      const idToken = await signer.sign('id-token', claims, 'JWT');
      expect(JSON.parse(Buffer.from(idToken.split('.')[0], 'base64url').toString()).kid).toBe('it-1');
    });

    it('refuses another typ, another purpose, an expired token and an altered one', async () => {
      const token = await signer.sign('access-token', claims, 'at+jwt');
      expect(signer.verify(token, 'access-token', 'JWT')).toBeUndefined();
      expect(signer.verify(token, 'id-token', 'at+jwt')).toBeUndefined();
      expect(signer.verify(await signer.sign('access-token', { sub: 'svc', exp: now() - 1 }, 'at+jwt'), 'access-token', 'at+jwt')).toBeUndefined();
      const [h, , s] = token.split('.');
      expect(signer.verify(`${h}.${b64({ ...claims, sub: 'admin' })}.${s}`, 'access-token', 'at+jwt')).toBeUndefined();
    });
  });

  it('refuses alg "none", an unknown kid and a token of another key', async () => {
    const { signer } = signerWith('ES256');
    const token = await signer.sign('access-token', { sub: 'svc', exp: now() + 60 }, 'at+jwt');
    const [, p, s] = token.split('.');
    expect(signer.verify(`${b64({ alg: 'none', typ: 'at+jwt', kid: 'at-1' })}.${p}.`, 'access-token', 'at+jwt')).toBeUndefined();
    expect(signer.verify(`${b64({ alg: 'ES256', typ: 'at+jwt', kid: 'nope' })}.${p}.${s}`, 'access-token', 'at+jwt')).toBeUndefined();
    const other = await signerWith('ES256').signer.sign('access-token', { sub: 'svc', exp: now() + 60 }, 'at+jwt');
    expect(signer.verify(other, 'access-token', 'at+jwt')).toBeUndefined();
  });

  it('verifySignature accepts an expired token of the purpose, and nothing verify would refuse for another reason', async () => {
    const { signer } = signerWith('ES256');
    const expired = await signer.sign('id-token', { sub: 'alice', exp: now() - 3600 }, 'JWT');
    expect(signer.verify(expired, 'id-token', 'JWT')).toBeUndefined();
    expect(signer.verifySignature(expired, 'id-token', 'JWT')).toMatchObject({ sub: 'alice' });
    expect(signer.verifySignature(expired, 'access-token', 'JWT')).toBeUndefined();
    expect(signer.verifySignature(expired, 'id-token', 'at+jwt')).toBeUndefined();
    const [h, , s] = expired.split('.');
    expect(signer.verifySignature(`${h}.${b64({ sub: 'bob', exp: now() - 3600 })}.${s}`, 'id-token', 'JWT')).toBeUndefined();
    const foreign = await signerWith('ES256').signer.sign('id-token', { sub: 'alice', exp: now() + 60 }, 'JWT');
    expect(signer.verifySignature(foreign, 'id-token', 'JWT')).toBeUndefined();
  });

  it('verifies tokens of a published (non-active) key', async () => {
    const { signer, keys } = signerWith('ES256', 1);
    const rotated = new TokenSigner(SigningKeys.fromKeys([...keys.accessToken].reverse(), [...keys.idToken]));
    const token = await signer.sign('access-token', { sub: 'svc', exp: now() + 60 }, 'at+jwt');
    expect(rotated.verify(token, 'access-token', 'at+jwt')).toMatchObject({ sub: 'svc' });
  });

  it.each(['ES256', 'RS256', 'EdDSA'] as const)('answers undefined, never throws, for malformed input (%s key)', (algorithm) => {
    const { signer } = signerWith(algorithm);
    const header = b64({ alg: algorithm, typ: 'at+jwt', kid: 'at-1' });
    const inputs = ['', 'a', 'a.b', 'a.b.c.d', '...', `${b64('null')}.${b64({})}.x`, `${b64('"text"')}.${b64({})}.x`,
      `${b64('[1]')}.${b64({})}.x`, `${b64('{')}.${b64({})}.x`, `${header}.${b64('null')}.x`, `${header}.${b64('{"exp":1')}.x`,
      `${header}.${b64({ exp: now() + 60 })}.${'A'.repeat(10)}`, `${header}.${b64({ exp: now() + 60 })}.%%%`];
    for (const input of inputs) expect(() => signer.verify(input, 'access-token', 'at+jwt')).not.toThrow();
    for (const input of inputs) expect(signer.verify(input, 'access-token', 'at+jwt')).toBeUndefined();
  });

  it('never accepts a token whose claims are not an object, even when validly signed', async () => {
    const { keys, signer } = signerWith('EdDSA');
    const key = keys.active('access-token');
    const input = `${b64({ alg: 'EdDSA', typ: 'at+jwt', kid: key.id })}.${b64('null')}`;
    const token = `${input}.${sign(null, Buffer.from(input), key.privateKey).toString('base64url')}`;
    expect(() => signer.verify(token, 'access-token', 'at+jwt')).not.toThrow();
    expect(signer.verify(token, 'access-token', 'at+jwt')).toBeUndefined();
  });
});
