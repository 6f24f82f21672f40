import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import * as api from '../src/index.js';

/** Every `.ts` file under `dir`. */
function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sources(path) : path.endsWith('.ts') ? [path] : [];
  });
}

/**
 * The public API (src/index.ts, the package's `exports`) is the whole surface an extension may
 * use: the worked examples import nothing else from the server, so a change that an extension
 * would feel shows up in the entry point's diff.
 */
describe('the public API', () => {
  it('is what the examples import from the server, and nothing past it', () => {
    const reachingPast: string[] = [];
    for (const file of sources('examples')) {
      for (const [, specifier] of readFileSync(file, 'utf8').matchAll(/from '([^']+)'/g)) {
        if (specifier.includes('/src/') && !specifier.endsWith('/src/index.js')) reachingPast.push(`${file}: ${specifier}`);
      }
    }
    expect(reachingPast).toEqual([]);
  });

  it('is the package entry point', () => {
    const pkg = JSON.parse(readFileSync('package.json', 'utf8')) as { exports?: Record<string, unknown> };
    expect(pkg.exports?.['.']).toMatchObject({ import: './dist/index.js', types: './dist/index.d.ts' });
  });

  it('exports each extension point: ports, decorators, issuers, verifier, errors, bcrypt helper', () => {
    for (const name of [
      'TokenGrant', 'USER_DIRECTORY', 'AUTHORIZATION_CODE_STORE', 'REFRESH_TOKEN_STORE', 'REVOCATION_STORE', 'ATTEMPT_COUNTER_STORE',
      'REPLAY_CACHE', 'PUSHED_REQUEST_STORE', 'STORE_HEALTH', 'DpopProofVerifier', 'AccessTokenIssuer', 'UserTokenIssuer', 'IdTokenIssuer', 'AccessTokenVerifier', 'TokenSigner',
      'OAuthError', 'StoreUnavailableError', 'BcryptLimiter', 'Client', 'Clients', 'Scopes', 'TokenModule', 'createApp', 'prepareStartup',
    ]) expect(api).toHaveProperty(name);
  });
});
