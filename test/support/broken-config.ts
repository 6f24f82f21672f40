import { TEST_ROOT } from './test-app.js';

/** Secret values written in {@link brokenConfig}: none may ever be printed. */
export const BROKEN_CONFIG_SECRETS = ['web-secret-in-broken-config', 'spa-secret-in-broken-config', 'typo-secret-in-broken-config',
  'plain-password-in-broken-config'];

/**
 * A configuration with several independent problems: an unknown key (a typo), a public client
 * with a secret, a missing environment variable, a redirect URI with a fragment and a user
 * password that is not a bcrypt hash.
 */
export function brokenConfig(): Record<string, unknown> {
  return {
    urls: { root: TEST_ROOT },
    clients: {
      'web-app': { secret: 'web-secret-in-broken-config', 'allowed-redirect-uris': ['https://app.test/callback#fragment'] },
      'typo-app': {
        secret: 'typo-secret-in-broken-config',
        'allowed-grant-types': ['client_credentials'],
        'allowed-scope': ['openid'],
      },
      spa: { public: true, secret: 'spa-secret-in-broken-config', 'allowed-redirect-uris': ['http://127.0.0.1/callback'] },
      svc: { secret: '${SVC_SECRET}', 'allowed-grant-types': ['client_credentials'] },
    },
    users: { alice: { password: 'plain-password-in-broken-config' } },
  };
}

/** Every problem of {@link brokenConfig}, by key path, as startup and `config:check` print them. */
export const BROKEN_CONFIG_PROBLEMS: RegExp[] = [
  /^ {2}- clients\.typo-app\.allowed-scope: unknown key \(did you mean allowed-scopes\?\)$/m,
  /^ {2}- clients\.spa\.secret: must be omitted for a public client$/m,
  /^ {2}- clients\.svc\.secret: environment variable SVC_SECRET is not set and has no default$/m,
  /^ {2}- clients\.web-app\.allowed-redirect-uris\.0: .*must not contain a fragment$/m,
  /^ {2}- users\.alice\.password: must be a bcrypt hash/m,
];

/** The problem lines of a printed configuration error (`  - path: message`). */
export function problemLines(output: string): string[] {
  return output.split('\n').filter((line) => line.startsWith('  - '));
}
