import { Client } from '../clients/client.js';
import { FormBody } from '../common/form-body.js';
import { SigningKeys, generateSigningKey } from '../keys/signing-keys.js';
import { TokenSigner } from '../keys/token-signer.js';
import { ConfigurationSnapshot, ServerSettings } from '../live-config/configuration-snapshot.js';
import { LiveConfiguration } from '../live-config/live-configuration.js';
import { CorsPolicy, OriginIndex } from './cors-policy.js';

const ISSUER = 'https://issuer.test';

function client(id: string, redirectUris: string[], allowedOrigins: string[] = []): Client {
  return new Client({
    id, name: id, isPublic: true, redirectUris, grantTypes: ['authorization_code'], allowedScopes: [], defaultScopes: [],
    audience: { id: 'default', tokenAudience: 'default' }, uris: {}, allowedOrigins,
  });
}

describe('OriginIndex', () => {
  const index = new OriginIndex([
    client('spa', ['https://spa.test/callback'], ['https://admin.spa.test']),
    client('native', ['com.example.app:/cb']),
  ]);

  it('answers a preflight for an origin that some client allows', () => {
    expect(index.isAllowedForSomeClient('https://spa.test')).toBe(true);
    expect(index.isAllowedForSomeClient('https://admin.spa.test')).toBe(true);
    expect(index.isAllowedForSomeClient('https://evil.test')).toBe(false);
    expect(index.isAllowedForSomeClient('null')).toBe(false);
  });

  it.each([
    ['spa', 'https://spa.test', 'allow'],
    ['spa', 'https://admin.spa.test', 'allow'],
    ['spa', 'https://evil.test', 'refuse'],
    ['native', 'https://spa.test', 'refuse'], // a client without any web origin: no page may call as it
    ['nobody', 'https://spa.test', 'ignore'], // the endpoint answers invalid_client
    [undefined, 'https://spa.test', 'ignore'],
  ] as const)('client %s from %s: %s', (clientId, origin, decision) => {
    expect(index.decide(clientId, origin)).toBe(decision);
  });
});

describe('CorsPolicy', () => {
  const signer = new TokenSigner(SigningKeys.fromKeys([generateSigningKey('access-token', 'ES256', 'at-1')], [generateSigningKey('id-token', 'ES256', 'it-1')]));
  // The policy reads the clients of the snapshot; a reload compares the issuer and the store.
  const snapshot = (clients: Client[]) => ({ clients: { all: clients }, server: new ServerSettings(ISSUER), store: { type: 'memory' } }) as unknown as ConfigurationSnapshot;
  const live = new LiveConfiguration(snapshot([client('spa', ['https://spa.test/callback'])]));
  const policy = new CorsPolicy(live, signer, new ServerSettings(ISSUER));
  const now = () => Math.floor(Date.now() / 1000);
  const accessToken = (claims: Record<string, unknown>) => signer.sign('access-token', { iss: ISSUER, client_id: 'spa', exp: now() + 60, ...claims }, 'at+jwt');

  it('follows the configuration in force: a reload that adds an origin takes effect at once', () => {
    expect(policy.decide('spa', 'https://new.spa.test')).toBe('refuse');
    live.replace(snapshot([client('spa', ['https://spa.test/callback'], ['https://new.spa.test'])]));
    expect(policy.decide('spa', 'https://new.spa.test')).toBe('allow');
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
