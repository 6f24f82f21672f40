import request from 'supertest';
import { claimsOf } from './support/resource-server.js';
import { runNode } from './support/node-process.js';
import { TEST_ROOT, TestApp, startTestApp, writeConfig } from './support/test-app.js';

/**
 * SPEC §1, templates: a template's `default-scopes` are shared, so they are filtered by each
 * client's `allowed-scopes`; only `default-scopes` written on the client must lie within them.
 * The ordinary setup below was refused at startup before ("scope openid is not in allowed-scopes").
 */
describe('default-scopes inherited from a template', () => {
  const TOKEN = '/api/oauth2/token';
  const config = {
    urls: { root: TEST_ROOT },
    scopes: { 'billing.read': {} },
    templates: { clients: { default: { 'default-scopes': ['openid', 'profile'] } } },
    clients: {
      'billing-job': { secret: 'billing-secret', 'allowed-grant-types': ['client_credentials'], 'allowed-scopes': ['billing.read'] },
      reporter: { secret: 'reporter-secret', 'allowed-grant-types': ['client_credentials'], 'allowed-scopes': ['profile', 'billing.read'] },
      'all-scopes': { secret: 'all-secret', 'allowed-grant-types': ['client_credentials'] },
    },
  };
  let t: TestApp;

  beforeAll(async () => {
    t = await startTestApp(config);
  });
  afterAll(async () => t.close());

  const clientCredentials = (id: string, secret: string, params: Record<string, string> = {}) =>
    request(t.server).post(TOKEN).auth(id, secret).type('form').send({ grant_type: 'client_credentials', ...params });

  it('is accepted by npm run config:check', async () => {
    const result = await runNode('cli/config-check.js', [writeConfig(config)]);
    expect(result.stderr).not.toMatch(/scopes/);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^configuration valid .*: 3 clients,/);
  });

  it('gives a service account that allows none of the inherited defaults no default scope', async () => {
    const res = await clientCredentials('billing-job', 'billing-secret');
    expect(res.status).toBe(200);
    expect(res.body.scope).toBe('');
    expect(claimsOf(res.body.access_token).scope ?? '').toBe('');
  });

  it('still grants that service account the scope it allows when asked', async () => {
    const res = await clientCredentials('billing-job', 'billing-secret', { scope: 'billing.read openid' });
    expect(res.status).toBe(200);
    expect(res.body.scope).toBe('billing.read');
  });

  it('keeps the inherited defaults a client allows, and all of them when allowed-scopes is empty', async () => {
    const narrow = await clientCredentials('reporter', 'reporter-secret');
    expect(narrow.status).toBe(200);
    expect(narrow.body.scope).toBe('profile');
    const wide = await clientCredentials('all-scopes', 'all-secret');
    expect(wide.status).toBe(200);
    expect(wide.body.scope.split(' ').sort()).toEqual(['openid', 'profile']);
  });

  it('still refuses default-scopes written on the client outside its allowed-scopes', async () => {
    const own = { ...config.clients['billing-job'], 'default-scopes': ['openid'] };
    const result = await runNode('cli/config-check.js', [writeConfig({ ...config, clients: { 'billing-job': own } })]);
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/^ {2}- clients\.billing-job\.default-scopes: scope openid is not in allowed-scopes$/m);
  });
});
