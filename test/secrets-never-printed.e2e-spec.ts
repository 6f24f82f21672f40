import bcrypt from 'bcrypt';
import request from 'supertest';
import { BROKEN_CONFIG_SECRETS, brokenConfig } from './support/broken-config.js';
import { ServerProcess, runNode } from './support/node-process.js';
import { TEST_ROOT, writeConfig } from './support/test-app.js';

/**
 * Risk: a secret, password, hash or token from the configuration or a request ends up in a log
 * line or an error message (SPEC §4: logs "never contain a secret, password, code or token").
 * Runs the real server process at the most verbose log level, exercises successful and failing
 * client authentication, and searches everything it printed and answered.
 */
describe('no secret, password or token is ever printed', () => {
  const plainSecret = 'web-plain-secret-8c1f03';
  const bcryptSecret = 'svc-bcrypt-secret-5d2e77';
  const envSecret = 'svc-env-secret-91ab4c';
  const alicePassword = 'alice-password-77aa10';
  const wrongSecrets = ['wrong-secret-3f3f3f', 'spa-sent-secret-4b4b4b', 'query-secret-6c6c6c', 'both-secret-0d0d0d'];
  const bcryptSecretHash = bcrypt.hashSync(bcryptSecret, 4);
  const alicePasswordHash = bcrypt.hashSync(alicePassword, 4);

  let server: ServerProcess;
  const responses: string[] = [];
  const issuedTokens: string[] = [];

  beforeAll(async () => {
    const config = {
      urls: { root: TEST_ROOT },
      clients: {
        'web-app': { secret: plainSecret, 'allowed-redirect-uris': ['https://app.test/callback'] },
        svc: { secret: bcryptSecretHash, 'allowed-grant-types': ['client_credentials'] },
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

  const token = (form: Record<string, string>, basic?: [string, string], query = '') => {
    const req = request(server.url).post(`/api/oauth2/token${query}`).type('form');
    if (basic) void req.auth(...basic);
    return req.send(form);
  };

  it('while clients authenticate, succeed and fail, with Basic and with the form', async () => {
    const cc = { grant_type: 'client_credentials' };
    const exchanges = [
      [await token(cc, ['svc', bcryptSecret]), 200],
      [await token({ ...cc, client_id: 'svc', client_secret: bcryptSecret }), 200],
      [await token(cc, ['env-svc', envSecret]), 200],
      [await token({ ...cc, client_id: 'env-svc', client_secret: envSecret }), 200],
      [await token(cc, ['svc', wrongSecrets[0]]), 401],
      [await token({ ...cc, client_id: 'svc', client_secret: wrongSecrets[0] }), 401],
      [await token(cc, ['env-svc', wrongSecrets[0]]), 401],
      [await token({ ...cc, client_id: 'web-app', client_secret: wrongSecrets[0] }), 401],
      [await token({ ...cc, client_id: 'spa', client_secret: wrongSecrets[1] }), 401],
      [await token({ ...cc, client_id: 'svc', client_secret: wrongSecrets[3] }, ['svc', bcryptSecret]), 400],
      [await token(cc, undefined, `?client_id=svc&client_secret=${wrongSecrets[2]}`), 401],
      // The resource owner password grant is not supported: its password must not be echoed either.
      [await token({ grant_type: 'password', username: 'alice', password: alicePassword }, ['web-app', plainSecret]), 400],
    ] as const;
    for (const [response, status] of exchanges) {
      expect(`${response.status} ${response.text}`).toMatch(new RegExp(`^${status} `));
      responses.push(JSON.stringify(response.headers), response.text);
      if (response.body.access_token) issuedTokens.push(response.body.access_token);
    }
    expect(issuedTokens).toHaveLength(4);

    server.signal('SIGTERM');
    expect((await server.exited).code).toBe(0);
    // The request log did record these requests, by client id and outcome: the search below is not vacuous.
    expect(server.printed).toMatch(/"clientId":"svc".*"outcome":"ok"/);
    expect(server.printed).toMatch(/"outcome":"invalid_client"/);

    const basicCredentials = [['svc', bcryptSecret], ['env-svc', envSecret], ['svc', wrongSecrets[0]], ['web-app', plainSecret]]
      .map(([id, secret]) => Buffer.from(`${id}:${secret}`).toString('base64'));
    const secrets = [plainSecret, bcryptSecret, envSecret, alicePassword, ...wrongSecrets, bcryptSecretHash, alicePasswordHash,
      ...basicCredentials];
    for (const secret of secrets) {
      expect(server.printed).not.toContain(secret);
      for (const text of responses) expect(text).not.toContain(secret);
    }
    for (const issued of issuedTokens) {
      expect(server.printed).not.toContain(issued);
      expect(server.printed).not.toContain(issued.split('.')[2]);
    }
  });

  it('in the error output of a broken configuration, at startup and from config:check', async () => {
    const file = writeConfig(brokenConfig());
    const started = await runNode('main.js', [], { env: { SYMPAUTHY_CONFIG: file, PORT: '0', HOST: '127.0.0.1' } });
    const checked = await runNode('cli/config-check.js', [file]);
    for (const result of [started, checked]) {
      expect(result.code).toBe(2);
      expect(result.stderr).toMatch(/clients\.spa\.secret: must be omitted for a public client/);
      for (const secret of BROKEN_CONFIG_SECRETS) expect(result.stdout + result.stderr).not.toContain(secret);
    }
  });
});
