import { createHash, randomBytes } from 'node:crypto';
import { writeFileSync } from 'node:fs';
import { stringify } from 'yaml';
import { ConfigurationReloader, ReloadResult } from '../src/live-config/configuration-reloader.js';
import { signInOverHttp } from './support/browser-flow.js';
import { generateTestKey, writeKeyFile } from './support/test-keys.js';
import { ALICE_PASSWORD, ListeningTestApp, baseConfig, startListeningTestApp } from './support/test-app.js';

/**
 * Risk: a reload that drops or breaks requests in flight (SPEC §5: "a reload never drops requests
 * in flight"). Client-credentials requests and whole authorization-code flows (authorize →
 * sign-in → code → token → UserInfo → refresh) run without pause while the configuration file is
 * rewritten and reloaded every few milliseconds — alternating clients, token lifetimes and which
 * of two configured keys signs — and every single answer must be the expected one.
 */

const CALLBACK = 'https://app.test/callback';
const RELOAD_EVERY_MS = 50;
/** The load runs until each of these is reached (or the deadline, which fails the test). */
const AT_LEAST = { reloads: 20, clientCredentials: 60, flows: 6 };
const DEADLINE_MS = 20_000;
const CC_WORKERS = 4;
const FLOW_WORKERS = 2;

const idKey = { id: 'it-1', algorithm: 'ES256', 'private-key-file': writeKeyFile(generateTestKey('ES256').pem, 'it-1.pem') };
const keyA = { id: 'at-a', algorithm: 'ES256', 'private-key-file': writeKeyFile(generateTestKey('ES256').pem, 'at-a.pem') };
const keyB = { id: 'at-b', algorithm: 'ES256', 'private-key': generateTestKey('ES256').pem };

/** Two configurations that both keep every key (a form or token signed by either stays valid). */
function variant(root: string, n: number): Record<string, unknown> {
  const second = n % 2 === 1;
  return baseConfig({
    urls: { root },
    clients: {
      'web-app': { secret: 'web-secret', 'allowed-redirect-uris': [CALLBACK] },
      svc: { secret: 'svc-secret', 'allowed-grant-types': ['client_credentials'] },
      ...(second ? { [`extra-${n}`]: { secret: 'extra-secret', 'allowed-grant-types': ['client_credentials'] } } : {}),
    },
    keys: { 'access-token': second ? [keyB, keyA] : [keyA, keyB], 'id-token': [idKey] },
    token: { 'access-token': { lifespan: second ? '10m' : '15m' } },
  });
}

const form = (params: Record<string, string>) => ({ 'content-type': 'application/x-www-form-urlencoded', body: new URLSearchParams(params) });
const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

describe('live configuration under load', () => {
  let t: ListeningTestApp;
  beforeAll(async () => { t = await startListeningTestApp((root) => variant(root, 0)); });
  afterAll(async () => t.close());

  it('reloads every few milliseconds while requests and flows run, and no request fails', async () => {
    const failures: string[] = [];
    const completed = { clientCredentials: 0, flows: 0 };
    let running = true;
    const expectStatus = async (what: string, response: Response, status: number): Promise<Response> => {
      if (response.status !== status) failures.push(`${what}: ${response.status} ${(await response.text()).slice(0, 200)}`);
      return response;
    };

    const clientCredentials = async () => {
      while (running) {
        const response = await fetch(`${t.root}/api/oauth2/token`, {
          method: 'POST', headers: { authorization: basic('svc', 'svc-secret'), 'content-type': 'application/x-www-form-urlencoded' },
          body: 'grant_type=client_credentials',
        });
        await expectStatus('client credentials', response, 200);
        await response.arrayBuffer().catch(() => undefined);
        completed.clientCredentials++;
      }
    };

    const flows = async () => {
      while (running) {
        const verifier = randomBytes(32).toString('base64url');
        const url = new URL(`${t.root}/api/oauth2/authorize`);
        url.search = new URLSearchParams({
          response_type: 'code', client_id: 'web-app', redirect_uri: CALLBACK, scope: 'openid profile', state: 's',
          code_challenge: createHash('sha256').update(verifier).digest('base64url'), code_challenge_method: 'S256',
        }).toString();
        let callback: URL;
        try {
          callback = await signInOverHttp(url, 'alice', ALICE_PASSWORD);
        } catch (e) {
          failures.push(`flow: ${(e as Error).message}`);
          continue;
        }
        const { 'content-type': type, body } = form({ grant_type: 'authorization_code', code: callback.searchParams.get('code')!, redirect_uri: CALLBACK, code_verifier: verifier });
        const headers = { authorization: basic('web-app', 'web-secret'), 'content-type': type };
        const token = await expectStatus('code exchange', await fetch(`${t.root}/api/oauth2/token`, { method: 'POST', headers, body }), 200);
        if (!token.ok) continue;
        const tokens = await token.json() as { access_token: string; refresh_token: string };
        await expectStatus('userinfo', await fetch(`${t.root}/api/openid/userinfo`, { headers: { authorization: `Bearer ${tokens.access_token}` } }), 200);
        const refreshed = await fetch(`${t.root}/api/oauth2/token`, { method: 'POST', headers, body: new URLSearchParams({ grant_type: 'refresh_token', refresh_token: tokens.refresh_token }) });
        await expectStatus('refresh', refreshed, 200);
        await refreshed.arrayBuffer().catch(() => undefined);
        completed.flows++;
      }
    };

    const reloader = t.app.get(ConfigurationReloader);
    const results: ReloadResult[] = [];
    const file = t.configuration.files[0];
    const workers = [...Array(CC_WORKERS)].map(clientCredentials).concat([...Array(FLOW_WORKERS)].map(flows));
    const deadline = Date.now() + DEADLINE_MS;
    while (Date.now() < deadline && (results.length < AT_LEAST.reloads
      || completed.clientCredentials < AT_LEAST.clientCredentials || completed.flows < AT_LEAST.flows)) {
      await new Promise((resolve) => setTimeout(resolve, RELOAD_EVERY_MS));
      writeFileSync(file, stringify(variant(t.root, results.length + 1)));
      results.push(reloader.reload('test'));
    }
    running = false;
    await Promise.all(workers);

    expect(failures).toEqual([]);
    expect(results.filter((r) => r.outcome !== 'success')).toEqual([]);
    // Enough reloads and traffic that requests were in flight across reloads.
    expect(results.length).toBeGreaterThanOrEqual(AT_LEAST.reloads);
    expect(completed.clientCredentials).toBeGreaterThanOrEqual(AT_LEAST.clientCredentials);
    expect(completed.flows).toBeGreaterThanOrEqual(AT_LEAST.flows);
  });
});
