import { ClientOrigins } from './cors-policy.js';
import { loopbackOriginWithoutPort, originOf, originProblem } from './origins.js';

describe('originProblem (allowed-origins entries)', () => {
  it.each([
    'https://app.example.com',
    'https://app.example.com:8443',
    'http://localhost:5173',
    'http://127.0.0.1:8080',
    'http://[::1]:8080',
    'chrome-extension://abcdefghijklmnopabcdefghijklmnop',
    'capacitor://localhost',
  ])('accepts %s', (origin) => {
    expect(originProblem(origin)).toBeUndefined();
  });

  it.each([
    ['a trailing slash', 'https://app.example.com/', 'write https://app.example.com'],
    ['a path', 'https://app.example.com/spa', 'write https://app.example.com'],
    ['a query', 'https://app.example.com?x=1', 'write https://app.example.com'],
    ['a default port', 'https://app.example.com:443', 'write https://app.example.com'],
    ['upper case', 'https://App.Example.com', 'write https://app.example.com'],
    ['user info', 'https://user@app.example.com', 'write https://app.example.com'],
    ['the wildcard', '*', 'list each origin'],
    ['null', 'null', 'is not an origin'],
    ['a bare host', 'app.example.com', 'is not an origin'],
    ['a file URL', 'file:///tmp/app.html', 'is not an origin'],
    ['a data URL', 'data:text/html,x', 'is not an origin'],
    ['an empty string', '', 'is not an origin'],
  ])('rejects %s, saying what to write', (_what, value, hint) => {
    expect(originProblem(value)).toContain(hint);
    expect(originProblem(value)).toContain(JSON.stringify(value));
  });

  it('rejects a value that is not a string', () => {
    expect(originProblem(42)).toBe('must be a list of origins (strings)');
  });
});

describe('originOf', () => {
  it.each([
    ['https://app.example.com/callback?x=1', 'https://app.example.com'],
    ['http://localhost:5173/callback', 'http://localhost:5173'],
    ['https://app.example.com:443/cb', 'https://app.example.com'],
    ['com.example.app:/oauth2redirect', undefined],
    ['not a uri', undefined],
  ])('%s → %s', (uri, origin) => {
    expect(originOf(uri)).toBe(origin);
  });
});

describe('loopbackOriginWithoutPort', () => {
  it.each([
    ['http://127.0.0.1:8765', 'http://127.0.0.1'],
    ['http://127.0.0.1', 'http://127.0.0.1'],
    ['https://[::1]:443', 'https://[::1]'],
    ['http://127.0.0.1:99999', undefined],
    ['http://localhost:8765', undefined],
    ['http://127.0.0.2:8765', undefined],
    ['http://127.0.0.1.evil.test', undefined],
  ])('%s → %s', (origin, expected) => {
    expect(loopbackOriginWithoutPort(origin)).toBe(expected);
  });
});

describe('ClientOrigins', () => {
  const origins = new ClientOrigins({
    redirectUris: ['https://app.example.com/callback', 'http://127.0.0.1/callback', 'http://localhost:5173/cb', 'com.example.app:/cb'],
    allowedOrigins: ['https://admin.example.com'],
  });

  it.each([
    'https://app.example.com',
    'http://127.0.0.1:8765', // a loopback redirect URI matches any port, so does its origin
    'http://127.0.0.1',
    'http://localhost:5173',
    'https://admin.example.com',
  ])('allows %s', (origin) => {
    expect(origins.allows(origin)).toBe(true);
  });

  it.each([
    'https://evil.example.com',
    'https://app.example.com:8443',
    'http://app.example.com',
    'https://app.example.com.evil.test',
    'http://localhost:5174', // localhost is not the loopback exception
    'https://127.0.0.1:8765',
    'http://[::1]:8765',
    'null',
    '*',
    '',
    'com.example.app:',
  ])('refuses %s', (origin) => {
    expect(origins.allows(origin)).toBe(false);
  });
});
