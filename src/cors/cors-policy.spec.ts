import { Client } from '../clients/client.js';
import { ClientRegistry } from '../clients/client-registry.js';
import { FormBody } from '../common/form-body.js';
import type { LoadedConfiguration } from '../config/load-configuration.js';
import { SigningKeys, generateSigningKey } from '../keys/signing-keys.js';
import { TokenSigner } from '../keys/token-signer.js';
import { CorsPolicy } from './cors-policy.js';

const ISSUER = 'https://issuer.test';

function client(id: string, redirectUris: string[], allowedOrigins: string[] = []): Client {
  return new Client({
    id, name: id, isPublic: true, redirectUris, grantTypes: ['authorization_code'], allowedScopes: [], defaultScopes: [],
    audience: { id: 'default', tokenAudience: 'default' }, uris: {}, allowedOrigins,
  });
}

describe('CorsPolicy', () => {
  const keys = SigningKeys.fromKeys([generateSigningKey('access-token', 'ES256', 'at-1')], [generateSigningKey('id-token', 'ES256', 'it-1')]);
  const signer = new TokenSigner({ keys } as LoadedConfiguration);
  const policy = new CorsPolicy(
    ClientRegistry.of([
      client('spa', ['https://spa.test/callback'], ['https://admin.spa.test']),
      client('native', ['com.example.app:/cb']),
    ]),
    signer,
    { issuer: ISSUER } as LoadedConfiguration,
  );
  const now = () => Math.floor(Date.now() / 1000);
  const accessToken = (claims: Record<string, unknown>) => signer.sign('access-token', { iss: ISSUER, client_id: 'spa', exp: now() + 60, ...claims }, 'at+jwt');

  it('allows the origins of a client for that client only', () => {
    expect(policy.isAllowedFor('spa', 'https://spa.test')).toBe(true);
    expect(policy.isAllowedFor('spa', 'https://admin.spa.test')).toBe(true);
    expect(policy.isAllowedFor('native', 'https://spa.test')).toBe(false);
    expect(policy.isAllowedFor('unknown', 'https://spa.test')).toBe(false);
  });

  it('answers a preflight for an origin that some client allows', () => {
    expect(policy.isAllowedForSomeClient('https://admin.spa.test')).toBe(true);
    expect(policy.isAllowedForSomeClient('https://evil.test')).toBe(false);
    expect(policy.isAllowedForSomeClient('null')).toBe(false);
  });

  it('reads the client of a token request from HTTP Basic first, then client_id', () => {
    const basic = `Basic ${Buffer.from('web-app:secret').toString('base64')}`;
    expect(policy.clientOfClientRequest(basic, FormBody.parse('client_id=spa'))).toBe('web-app');
    expect(policy.clientOfClientRequest(undefined, FormBody.parse('client_id=spa&grant_type=x'))).toBe('spa');
    expect(policy.clientOfClientRequest('Bearer x', FormBody.parse('client_id=spa'))).toBe('spa');
    expect(policy.clientOfClientRequest(undefined, FormBody.parse('client_id=a&client_id=b'))).toBeUndefined();
    expect(policy.clientOfClientRequest(undefined, FormBody.notForm('application/json'))).toBeUndefined();
    expect(policy.clientOfClientRequest('Basic %%%', undefined)).toBeUndefined();
  });

  it('reads the client of a UserInfo request from its access token, expired or not, from the header or the body', async () => {
    const valid = await accessToken({});
    const expired = await accessToken({ exp: now() - 3600 });
    expect(policy.clientOfBearerRequest(`Bearer ${valid}`, undefined)).toBe('spa');
    expect(policy.clientOfBearerRequest(`bearer ${expired}`, undefined)).toBe('spa');
    expect(policy.clientOfBearerRequest(undefined, FormBody.parse(`access_token=${valid}`))).toBe('spa');
  });

  it('names no client for a forged, foreign or malformed token', async () => {
    const valid = await accessToken({});
    const [h, p, s] = valid.split('.');
    const forged = `${h}.${Buffer.from(JSON.stringify({ iss: ISSUER, client_id: 'native', exp: now() + 60 })).toString('base64url')}.${s}`;
    expect(policy.clientOfBearerRequest(`Bearer ${forged}`, undefined)).toBeUndefined();
    expect(policy.clientOfBearerRequest(`Bearer ${await accessToken({ iss: 'https://other.test' })}`, undefined)).toBeUndefined();
    const idToken = await signer.sign('id-token', { iss: ISSUER, client_id: 'spa', exp: now() + 60 }, 'JWT');
    expect(policy.clientOfBearerRequest(`Bearer ${idToken}`, undefined)).toBeUndefined();
    expect(policy.clientOfBearerRequest(`Bearer ${h}.${p}`, undefined)).toBeUndefined();
    expect(policy.clientOfBearerRequest('Bearer', undefined)).toBeUndefined();
    expect(policy.clientOfBearerRequest(undefined, undefined)).toBeUndefined();
  });
});

describe('CorsPolicy.decide', () => {
  const keys = SigningKeys.fromKeys([generateSigningKey('access-token', 'ES256', 'at-1')], [generateSigningKey('id-token', 'ES256', 'it-1')]);
  const policy = new CorsPolicy(
    ClientRegistry.of([client('spa', ['https://spa.test/callback']), client('svc', [])]),
    new TokenSigner({ keys } as LoadedConfiguration),
    { issuer: ISSUER } as LoadedConfiguration,
  );

  it.each([
    ['spa', 'https://spa.test', 'allow'],
    ['spa', 'https://evil.test', 'refuse'],
    ['svc', 'https://spa.test', 'refuse'], // a client without any origin: no browser page may call as it
    ['nobody', 'https://spa.test', 'ignore'], // the endpoint answers invalid_client
    [undefined, 'https://spa.test', 'ignore'],
  ] as const)('client %s from %s: %s', (clientId, origin, decision) => {
    expect(policy.decide(clientId, origin)).toBe(decision);
  });
});
