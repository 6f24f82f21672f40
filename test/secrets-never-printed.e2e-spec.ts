import bcrypt from 'bcrypt';
import request from 'supertest';
import { BROKEN_CONFIG_SECRETS, brokenConfig } from './support/broken-config.js';
import { parseSignInForm, pkcePair } from './support/browser-flow.js';
import { ServerProcess, runNode } from './support/node-process.js';
import { TEST_ROOT, writeConfig } from './support/test-app.js';

/**
 * Risk: a secret, password, hash, code or token from the configuration or a request ends up in
 * a log line or an error message (SPEC §4: logs "never contain a secret, password, code or
 * token"). Runs the real server process at the most verbose log level through successful and
 * failing client authentication, sign-in and token exchanges, then searches everything it
 * printed and every answer.
 */
describe('no secret, password, code or token is ever printed', () => {
  const webSecret = 'web-plain-secret-8c1f03';
  const svcSecret = 'svc-bcrypt-secret-5d2e77';
  const envSecret = 'svc-env-secret-91ab4c';
  const alicePassword = 'alice-password-77aa10';
  const wrongSecrets = ['wrong-secret-3f3f3f', 'spa-sent-secret-4b4b4b', 'query-secret-6c6c6c', 'both-secret-0d0d0d'];
  const wrongPassword = 'wrong-password-2e2e2e';
  const svcSecretHash = bcrypt.hashSync(svcSecret, 4);
  const alicePasswordHash = bcrypt.hashSync(alicePassword, 4);
  const redirectUri = 'https://app.test/callback';

  /** Everything that must never be printed; grows with the codes and tokens the server issues. */
  const secrets = [webSecret, svcSecret, envSecret, alicePassword, wrongPassword, ...wrongSecrets, svcSecretHash, alicePasswordHash,
    ...[['svc', svcSecret], ['env-svc', envSecret], ['svc', wrongSecrets[0]], ['web-app', webSecret]]
      .map(([id, secret]) => Buffer.from(`${id}:${secret}`).toString('base64'))];
  /** Every error answer (headers and body): an error message must not quote a secret either. */
  const errorAnswers: string[] = [];

  let server: ServerProcess;
  beforeAll(async () => {
    const config = {
      urls: { root: TEST_ROOT },
      clients: {
        'web-app': { secret: webSecret, 'allowed-redirect-uris': [redirectUri] },
        svc: { secret: svcSecretHash, 'allowed-grant-types': ['client_credentials'] },
        'env-svc': { secret: '${ENV_SVC_SECRET}', 'allowed-grant-types': ['client_credentials'] },
        spa: { public: true, 'allowed-redirect-uris': ['http://127.0.0.1/callback'] },
      },
      users: { alice: { password: alicePasswordHash } },
    };
    server = await ServerProcess.start({
      SYMPAUTHY_CONFIG: writeConfig(config), ENV_SVC_SECRET: envSecret, LOG_LEVEL: 'trace', SHUTDOWN_DRAIN_DELAY: '0s',
    });
  });
  afterAll(async () => server.stop());

  async function expectStatus(pending: request.Test | Promise<request.Response>, status: number): Promise<request.Response> {
    const response = await pending;
    if (response.status >= 400) errorAnswers.push(JSON.stringify(response.headers), response.text);
    expect(`${response.status} ${response.text}`).toMatch(new RegExp(`^${status} `));
    for (const name of ['access_token', 'refresh_token', 'id_token'] as const) {
      if (response.body?.[name]) secrets.push(response.body[name], response.body[name].split('.').pop());
    }
    return response;
  }

  const token = (form: Record<string, string>, basic?: [string, string], query = '') => {
    const pending = request(server.url).post(`/api/oauth2/token${query}`).type('form');
    if (basic) void pending.auth(...basic);
    return pending.send(form);
  };

  async function authenticateClients(): Promise<void> {
    const cc = { grant_type: 'client_credentials' };
    await expectStatus(token(cc, ['svc', svcSecret]), 200);
    await expectStatus(token({ ...cc, client_id: 'svc', client_secret: svcSecret }), 200);
    await expectStatus(token(cc, ['env-svc', envSecret]), 200);
    await expectStatus(token({ ...cc, client_id: 'env-svc', client_secret: envSecret }), 200);
    await expectStatus(token(cc, ['svc', wrongSecrets[0]]), 401);
    await expectStatus(token({ ...cc, client_id: 'svc', client_secret: wrongSecrets[0] }), 401);
    await expectStatus(token(cc, ['env-svc', wrongSecrets[0]]), 401);
    await expectStatus(token({ ...cc, client_id: 'web-app', client_secret: wrongSecrets[0] }), 401);
    await expectStatus(token({ ...cc, client_id: 'spa', client_secret: wrongSecrets[1] }), 401);
    await expectStatus(token({ ...cc, client_id: 'svc', client_secret: wrongSecrets[3] }, ['svc', svcSecret]), 400);
    await expectStatus(token(cc, undefined, `?client_id=svc&client_secret=${wrongSecrets[2]}`), 401);
    // The resource owner password grant is not supported; its password must not be echoed either.
    await expectStatus(token({ grant_type: 'password', username: 'alice', password: alicePassword }, ['web-app', webSecret]), 400);
  }

  async function signInAndExchange(): Promise<void> {
    const { verifier, challenge } = pkcePair();
    secrets.push(verifier);
    const query = new URLSearchParams({
      response_type: 'code', client_id: 'web-app', redirect_uri: redirectUri, scope: 'openid', state: 'st-1',
      code_challenge: challenge, code_challenge_method: 'S256',
    });
    const openForm = async () => {
      const page = await expectStatus(request(server.url).get(`/api/oauth2/authorize?${query}`), 200);
      return parseSignInForm(page.text, page.headers['set-cookie']);
    };
    const signIn = async (password: string) => {
      const form = await openForm();
      return request(server.url).post(form.action).set('cookie', form.cookie).type('form')
        .send({ request: form.request, csrf_token: form.csrfToken, username: 'alice', password });
    };
    const refused = await signIn(wrongPassword);
    errorAnswers.push(JSON.stringify(refused.headers), refused.text);
    expect(refused.status).not.toBe(303);
    const signedIn = await expectStatus(signIn(alicePassword), 303);
    const code = new URL(String(signedIn.headers.location)).searchParams.get('code');
    expect(code).toEqual(expect.any(String));
    secrets.push(code!);

    const exchange = { grant_type: 'authorization_code', code: code!, redirect_uri: redirectUri, code_verifier: verifier };
    const tokens = await expectStatus(token(exchange, ['web-app', webSecret]), 200);
    const refresh = { grant_type: 'refresh_token', refresh_token: tokens.body.refresh_token };
    await expectStatus(token(refresh, ['web-app', webSecret]), 200);
    await expectStatus(token(refresh, ['web-app', webSecret]), 400); // reused refresh token
    await expectStatus(token(exchange, ['web-app', webSecret]), 400); // replayed code
  }

  it('in the server output and answers, through client authentication, sign-in and token exchanges', async () => {
    await authenticateClients();
    await signInAndExchange();
    server.signal('SIGTERM');
    expect((await server.exited).code).toBe(0);

    // The request log did record these requests, by client id and outcome: the search is not vacuous.
    expect(server.printed).toMatch(/"clientId":"svc".*"outcome":"ok"/);
    expect(server.printed).toMatch(/"outcome":"invalid_client"/);
    expect(server.printed).toMatch(/"grantType":"refresh_token".*"outcome":"invalid_grant"/);
    expect(secrets.length).toBeGreaterThan(25);
    expect(errorAnswers.length).toBeGreaterThan(20);
    for (const secret of secrets) {
      expect(server.printed).not.toContain(secret);
      for (const answer of errorAnswers) expect(answer).not.toContain(secret);
    }
  });

  it('in the error output of a broken configuration, at startup and from config:check', async () => {
    const file = writeConfig(brokenConfig());
    const [started, checked] = await Promise.all([
      runNode('main.js', [], { env: { SYMPAUTHY_CONFIG: file, PORT: '0', HOST: '127.0.0.1' } }),
      runNode('cli/config-check.js', [file]),
    ]);
    for (const result of [started, checked]) {
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/clients\.spa\.secret: must be omitted for a public client/);
      for (const secret of BROKEN_CONFIG_SECRETS) expect(result.stdout + result.stderr).not.toContain(secret);
    }
  });
});
