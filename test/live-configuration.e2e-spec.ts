import { decodeProtectedHeader } from 'jose';
import request from 'supertest';
import { stringify } from 'yaml';
import { obtainCode, openAuthorize, parseSignInForm, pkcePair, submitSignIn } from './support/browser-flow.js';
import { sample, scrape } from './support/metrics-scrape.js';
import { fetchJwks, verifyAccessToken } from './support/resource-server.js';
import { generateTestKey, writeKeyFile } from './support/test-keys.js';
import { ALICE_PASSWORD, TEST_ROOT, TestApp, baseConfig, startTestApp } from './support/test-app.js';
import { AccessTokenVerifier } from '../src/token/access-token-verifier.js';
import {
  ClientAuth, SVC, WEB_APP, WEB_APP_CALLBACK, exchangeCode, introspect, refresh, signInAndExchange, tokenRequest,
} from './support/token-endpoint.js';
import { reloadConfiguration, rewriteConfiguration } from './support/live-reload.js';

/**
 * Live configuration (SPEC §5): a reload validates the whole new configuration, swaps it in at
 * once, refuses an invalid one with every problem logged (the old one keeps serving), never
 * invalidates codes or refresh tokens of clients that still exist, and takes a removed client's
 * tokens away at once. (The watcher and SIGHUP: live-configuration-triggers.e2e-spec.ts.)
 */

const idKey = { id: 'it-1', algorithm: 'ES256', 'private-key-file': writeKeyFile(generateTestKey('ES256').pem, 'it-1.pem') };
const keyA = { id: 'at-a', algorithm: 'ES256', 'private-key-file': writeKeyFile(generateTestKey('ES256').pem, 'at-a.pem') };
const keyB = { id: 'at-b', algorithm: 'ES256', 'private-key-file': writeKeyFile(generateTestKey('ES256').pem, 'at-b.pem') };

const TEMP_WEB = { clientId: 'temp-web', secret: 'temp-web-secret' };
const TEMP_SVC = { clientId: 'temp-svc', secret: 'temp-svc-secret' };
const TEMP_CALLBACK = 'https://temp.test/callback';

/** The base configuration with keys, and — unless `without` — two clients a reload then removes. */
function config(options: { accessTokenKeys?: object[]; temporaryClients?: boolean; extra?: Record<string, unknown> } = {}): Record<string, unknown> {
  const base = baseConfig({ keys: { 'access-token': options.accessTokenKeys ?? [keyA], 'id-token': [idKey] }, ...options.extra });
  if (options.temporaryClients ?? true) {
    base.clients = {
      ...(base.clients as Record<string, unknown>),
      'temp-web': { secret: TEMP_WEB.secret, 'allowed-redirect-uris': [TEMP_CALLBACK] },
      'temp-svc': { secret: TEMP_SVC.secret, 'allowed-grant-types': ['client_credentials'] },
    };
  }
  return base;
}

const rewrite = rewriteConfiguration;
const reload = reloadConfiguration;

async function clientCredentials(t: TestApp, client = SVC): Promise<string> {
  const res = await tokenRequest(t, { grant_type: 'client_credentials' }, client);
  expect(res.status).toBe(200);
  return res.body.access_token as string;
}

/** Introspected by its own client (another client's token always introspects inactive). */
async function isActive(t: TestApp, token: string, owner: ClientAuth = SVC): Promise<boolean> {
  const res = await introspect(t, token, owner);
  expect(res.status).toBe(200);
  return res.body.active as boolean;
}

/** What introspection and UserInfo check (usable whoever the client was). */
async function verifies(t: TestApp, token: string): Promise<boolean> {
  return (await t.app.get(AccessTokenVerifier).verifyActive(token)) !== undefined;
}

const lastReloadSuccessful = (metrics: string) => Number(/^sympauthy_config_last_reload_successful (\S+)$/m.exec(metrics)?.[1]);

describe('live configuration: a reload', () => {
  let t: TestApp;
  beforeEach(async () => { t = await startTestApp(config()); });
  afterEach(async () => t.close());

  it('swaps in a valid configuration: a new client works at once, the metrics carry the new hash', async () => {
    const metricsBefore = await scrape(t);
    expect(sample(metricsBefore, 'sympauthy_config_info', { hash: t.configuration.hash })).toBe(1);
    expect((await tokenRequest(t, { grant_type: 'client_credentials' }, { clientId: 'new-svc', secret: 'new-svc-secret' })).status).toBe(401);

    const next = config();
    (next.clients as Record<string, unknown>)['new-svc'] = { secret: 'new-svc-secret', 'allowed-grant-types': ['client_credentials'] };
    rewrite(t, next);
    const result = reload(t);

    expect(result.outcome).toBe('success');
    expect(result.hash).not.toBe(t.configuration.hash);
    await clientCredentials(t, { clientId: 'new-svc', secret: 'new-svc-secret' });
    const metrics = await scrape(t);
    expect(sample(metrics, 'sympauthy_config_reloads_total', { outcome: 'success' })).toBe(1);
    expect(sample(metrics, 'sympauthy_config_reloads_total', { outcome: 'failure' })).toBe(0);
    expect(sample(metrics, 'sympauthy_config_info', { hash: result.hash })).toBe(1);
    expect(sample(metrics, 'sympauthy_config_info', { hash: t.configuration.hash })).toBeUndefined();
    expect(lastReloadSuccessful(metrics)).toBe(1);
    const line = t.logs.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.event === 'config_reload');
    expect(line).toMatchObject({ level: 'info', outcome: 'success', trigger: 'test', hash: result.hash, previousHash: t.configuration.hash });
  });

  it('refuses a sign-in form opened before a reload removed its redirect URI (no code for an unregistered URI)', async () => {
    const page = await openAuthorize(t, {
      response_type: 'code', client_id: 'temp-web', redirect_uri: TEMP_CALLBACK, state: 's', code_challenge: pkcePair().challenge, code_challenge_method: 'S256',
    });
    expect(page.status).toBe(200);
    const form = parseSignInForm(page.text, page.headers['set-cookie']);
    const next = config({ temporaryClients: true });
    ((next.clients as Record<string, Record<string, unknown>>)['temp-web'])['allowed-redirect-uris'] = ['https://temp.test/elsewhere'];
    rewrite(t, next);
    expect(reload(t).outcome).toBe('success');
    const res = await submitSignIn(t, form, 'alice', ALICE_PASSWORD);
    expect(res.status).toBe(400);
    expect(res.headers.location).toBeUndefined();
    expect(res.text).toContain('Sign-in expired');
  });

  it('answers unchanged when the files give the configuration in force', async () => {
    rewrite(t, `# only a comment changed\n${stringify(config())}`);
    expect(reload(t)).toEqual({ outcome: 'unchanged', hash: t.configuration.hash, problems: [] });
    expect(sample(await scrape(t), 'sympauthy_config_reloads_total', { outcome: 'unchanged' })).toBe(1);
  });

  it('takes a removed client\'s tokens away at once, and keeps the tokens, codes and refresh tokens of the others', async () => {
    const tempServiceToken = await clientCredentials(t, TEMP_SVC);
    const tempUserTokens = await signInAndExchange(t, TEMP_WEB, TEMP_CALLBACK);
    const serviceToken = await clientCredentials(t);
    const webTokens = await signInAndExchange(t, WEB_APP, WEB_APP_CALLBACK);
    const pendingCode = await obtainCode(t, { client_id: 'web-app', redirect_uri: WEB_APP_CALLBACK, scope: 'openid' });
    expect(await isActive(t, tempServiceToken, TEMP_SVC)).toBe(true);
    expect(await verifies(t, tempUserTokens.access_token)).toBe(true);

    rewrite(t, config({ temporaryClients: false }));
    expect(reload(t).outcome).toBe('success');

    // The removed clients: no token of theirs is accepted any more, nor can they get one.
    expect(await verifies(t, tempServiceToken)).toBe(false);
    expect(await verifies(t, tempUserTokens.access_token)).toBe(false);
    expect((await introspect(t, tempServiceToken, TEMP_SVC)).status).toBe(401);
    expect((await request(t.server).get('/api/openid/userinfo').set('authorization', `Bearer ${tempUserTokens.access_token}`)).status).toBe(401);
    expect((await refresh(t, tempUserTokens.refresh_token!, TEMP_WEB)).status).toBe(401);
    expect((await tokenRequest(t, { grant_type: 'client_credentials' }, TEMP_SVC)).status).toBe(401);

    // The clients that remain: everything issued before the reload still works.
    expect(await isActive(t, serviceToken)).toBe(true);
    expect(await isActive(t, webTokens.access_token, WEB_APP)).toBe(true);
    expect((await request(t.server).get('/api/openid/userinfo').set('authorization', `Bearer ${webTokens.access_token}`)).status).toBe(200);
    expect((await refresh(t, webTokens.refresh_token!, WEB_APP)).status).toBe(200);
    expect((await exchangeCode(t, pendingCode, WEB_APP)).status).toBe(200);
  });

  it('narrows refresh tokens and pending codes to the scopes the client is still allowed after a reload', async () => {
    // Risk: an operator takes a scope away from a client (an incident, a contract ending), yet its
    // refresh tokens — renewed at each rotation — keep minting access tokens with that scope forever.
    const webTokens = await signInAndExchange(t, WEB_APP, WEB_APP_CALLBACK, { scope: 'openid profile email' });
    expect(webTokens.scope!.split(' ').sort()).toEqual(['email', 'openid', 'profile']);
    const pendingCode = await obtainCode(t, { client_id: 'web-app', redirect_uri: WEB_APP_CALLBACK, scope: 'openid profile email' });

    const next = config();
    ((next.clients as Record<string, Record<string, unknown>>)['web-app'])['allowed-scopes'] = ['openid', 'profile'];
    rewrite(t, next);
    expect(reload(t).outcome).toBe('success');

    // What the refresh token will give is what introspection says it carries.
    expect((await introspect(t, webTokens.refresh_token!, WEB_APP)).body.scope.split(' ').sort()).toEqual(['openid', 'profile']);
    const refreshed = await refresh(t, webTokens.refresh_token!, WEB_APP);
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.scope.split(' ').sort()).toEqual(['openid', 'profile']);
    expect((await introspect(t, refreshed.body.access_token as string, WEB_APP)).body.scope.split(' ').sort()).toEqual(['openid', 'profile']);
    // Asking for the removed scope by name gets it no more than asking for nothing.
    const again = await refresh(t, refreshed.body.refresh_token as string, WEB_APP, { scope: 'openid email' });
    expect(again.status).toBe(200);
    expect(again.body.scope).toBe('openid');

    const exchanged = await exchangeCode(t, pendingCode, WEB_APP);
    expect(exchanged.status).toBe(200);
    expect(exchanged.body.scope.split(' ').sort()).toEqual(['openid', 'profile']);
    const fromCode = await refresh(t, exchanged.body.refresh_token as string, WEB_APP);
    expect(fromCode.body.scope.split(' ').sort()).toEqual(['openid', 'profile']);
  });

  it('ends refresh-token families older than a lifespan a reload shortened, though the store would keep them longer', async () => {
    // Risk: the store keeps a family for the lifespan in force when it was written (30 days): after
    // a reload to a shorter lifespan, an old refresh token would go on working, and introspection
    // would call it active with an exp already past.
    const tokens = await signInAndExchange(t, WEB_APP, WEB_APP_CALLBACK);
    await new Promise((resolve) => setTimeout(resolve, 3_100));
    rewrite(t, config({ extra: { token: { 'refresh-token': { lifespan: '3s' } } } }));
    expect(reload(t).outcome).toBe('success');

    expect((await introspect(t, tokens.refresh_token!, WEB_APP)).body).toEqual({ active: false });
    const refreshed = await refresh(t, tokens.refresh_token!, WEB_APP);
    expect(refreshed.status).toBe(400);
    expect(refreshed.body.error).toBe('invalid_grant');
    // A family started under the shorter lifespan lives that long.
    const fresh = await signInAndExchange(t, WEB_APP, WEB_APP_CALLBACK);
    const introspected = (await introspect(t, fresh.refresh_token!, WEB_APP)).body;
    expect(introspected.active).toBe(true);
    expect(introspected.exp - introspected.iat).toBe(3);
    expect((await refresh(t, fresh.refresh_token!, WEB_APP)).status).toBe(200);
  });

  it('refuses an invalid configuration with every problem logged, and the old one keeps serving', async () => {
    const broken = config();
    broken.clients = {
      ...(broken.clients as Record<string, unknown>),
      spa: { public: true, secret: 'spa-plain-secret-value', 'allowed-redirect-uris': ['http://127.0.0.1/callback'] },
      svc: { secret: '${RELOAD_TEST_UNSET}', 'allowed-grant-types': ['client_credentials'] },
      web: { secret: 'w', 'allowed-redirect-uri': ['https://web.test/cb'], 'allowed-grant-types': ['client_credentials'] },
    };
    broken.token = { 'access-token': { lifespan: '15 minutes' } };
    rewrite(t, broken);
    const result = reload(t);

    const expected = [
      'clients.svc.secret: environment variable RELOAD_TEST_UNSET is not set and has no default',
      'token.access-token.lifespan: must be a duration such as 60s, 15m, 12h or 30d',
      'clients.web.allowed-redirect-uri: unknown key (did you mean allowed-redirect-uris?)',
      'clients.spa.secret: must be omitted for a public client',
    ];
    expect(result.outcome).toBe('failure');
    expect(result.hash).toBe(t.configuration.hash);
    expect([...result.problems].sort()).toEqual([...expected].sort());
    const line = t.logs.map((l) => JSON.parse(l) as Record<string, unknown>).find((l) => l.event === 'config_reload');
    expect(line).toMatchObject({ level: 'error', outcome: 'failure', trigger: 'test', hash: t.configuration.hash });
    expect([...(line!.problems as string[])].sort()).toEqual([...expected].sort());
    expect(t.logs.join('\n')).not.toContain('spa-plain-secret-value');

    // Still the old configuration: svc's secret, the temporary clients.
    await clientCredentials(t, SVC);
    await clientCredentials(t, TEMP_SVC);
    const metrics = await scrape(t);
    expect(sample(metrics, 'sympauthy_config_reloads_total', { outcome: 'failure' })).toBe(1);
    expect(sample(metrics, 'sympauthy_config_info', { hash: t.configuration.hash })).toBe(1);
    expect(lastReloadSuccessful(metrics)).toBe(0);

    rewrite(t, config({ temporaryClients: false }));
    expect(reload(t).outcome).toBe('success');
    expect(lastReloadSuccessful(await scrape(t))).toBe(1);
  });

  it('refuses a change of urls.root or of the store, saying a restart is needed', async () => {
    rewrite(t, config({ extra: { urls: { root: 'https://elsewhere.test' }, store: { type: 'redis', url: 'redis://127.0.0.1:6390' } } }));
    const result = reload(t);
    expect(result.outcome).toBe('failure');
    expect(result.problems).toEqual([
      'urls.root: cannot change while the server runs (it is the issuer of every live token); restart the server',
      'store: cannot change while the server runs; restart the server',
    ]);
    expect(JSON.parse((await request(t.server).get('/.well-known/openid-configuration')).text).issuer).toBe(TEST_ROOT);
  });

  it('refuses a client allowing a grant type no loaded module serves', async () => {
    const next = config();
    (next.clients as Record<string, Record<string, unknown>>)['temp-svc']['allowed-grant-types'] = ['client_credentials', 'urn:example:unserved'];
    rewrite(t, next);
    const result = reload(t);
    expect(result.outcome).toBe('failure');
    expect(result.problems).toEqual([expect.stringMatching(/^clients\.temp-svc\.allowed-grant-types.*urn:example:unserved/)]);
  });

  it('rotates the signing keys without a restart, as the SPEC\'s rotation says', async () => {
    const oldToken = await clientCredentials(t);
    const form = await openSignInForm(t);
    const formLeftOpen = await openSignInForm(t);
    expect(decodeProtectedHeader(oldToken).kid).toBe('at-a');

    // 1. The new key second: published, not signing yet.
    rewrite(t, config({ accessTokenKeys: [keyA, keyB] }));
    expect(reload(t).outcome).toBe('success');
    const published = await fetchJwks(t);
    expect(published.keys.map((k) => k.kid)).toEqual(expect.arrayContaining(['at-a', 'at-b']));
    expect(decodeProtectedHeader(await clientCredentials(t)).kid).toBe('at-a');

    // 2. The new key first: it signs; the old tokens still verify, here and at a resource server.
    rewrite(t, config({ accessTokenKeys: [keyB, keyA] }));
    expect(reload(t).outcome).toBe('success');
    const newToken = await clientCredentials(t);
    expect(decodeProtectedHeader(newToken).kid).toBe('at-b');
    expect(await isActive(t, oldToken)).toBe(true);
    await verifyAccessToken(await fetchJwks(t), oldToken, { issuer: TEST_ROOT, audience: 'default' });
    await verifyAccessToken(published, newToken, { issuer: TEST_ROOT, audience: 'default' }); // a JWKS cached at step 1
    // A sign-in form opened under the old key still works while the old key is configured.
    expect((await submitSignIn(t, form, 'alice', ALICE_PASSWORD)).status).toBe(303);

    // 3. The old key dropped: its tokens stop verifying, and a form sealed under it has expired.
    rewrite(t, config({ accessTokenKeys: [keyB] }));
    expect(reload(t).outcome).toBe('success');
    expect(await isActive(t, oldToken)).toBe(false);
    expect(await isActive(t, newToken)).toBe(true);
    expect((await fetchJwks(t)).keys.map((k) => k.kid)).not.toContain('at-a');
    const expired = await submitSignIn(t, formLeftOpen, 'alice', ALICE_PASSWORD);
    expect(expired.status).toBe(400);
    expect(expired.text).toContain('Sign-in expired');
  });
});

async function openSignInForm(t: TestApp): Promise<ReturnType<typeof parseSignInForm>> {
  const page = await openAuthorize(t, {
    response_type: 'code', client_id: 'web-app', redirect_uri: WEB_APP_CALLBACK, state: 's', code_challenge: pkcePair().challenge, code_challenge_method: 'S256',
  });
  expect(page.status).toBe(200);
  return parseSignInForm(page.text, page.headers['set-cookie']);
}

describe('live configuration: generated keys', () => {
  it('keeps the keys generated at startup across reloads (no key configured)', async () => {
    const t = await startTestApp(baseConfig());
    try {
      const token = await clientCredentials(t);
      const jwks = await fetchJwks(t);
      const next = baseConfig();
      (next.clients as Record<string, unknown>)['new-svc'] = { secret: 'new-svc-secret', 'allowed-grant-types': ['client_credentials'] };
      rewrite(t, next);
      expect(reload(t).outcome).toBe('success');
      expect(await fetchJwks(t)).toEqual(jwks);
      expect(await isActive(t, token)).toBe(true);
      rewrite(t, baseConfig());
      expect(reload(t).outcome).toBe('success');
      expect(reload(t).outcome).toBe('unchanged');
    } finally {
      await t.close();
    }
  });
});
