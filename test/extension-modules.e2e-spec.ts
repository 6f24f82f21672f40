import { resolve } from 'node:path';
import request from 'supertest';
import { parseSignInForm, pkcePair } from './support/browser-flow.js';
import { ServerProcess, runNode } from './support/node-process.js';
import { baseConfig, writeConfig } from './support/test-app.js';

const EXTENSION = resolve('test/fixtures/static-user-directory.extension.mjs');

describe('SYMPAUTHY_MODULES: extension modules loaded by the server process', () => {
  let server: ServerProcess;
  beforeAll(async () => {
    server = await ServerProcess.start({ SYMPAUTHY_CONFIG: writeConfig(baseConfig()), SYMPAUTHY_MODULES: EXTENSION, SHUTDOWN_DRAIN_DELAY: '0s' });
  });
  afterAll(async () => server.stop());

  async function signIn(username: string, password: string): Promise<request.Response> {
    const { challenge } = pkcePair();
    const page = await request(server.url).get('/api/oauth2/authorize').query({
      response_type: 'code', client_id: 'web-app', redirect_uri: 'https://app.test/callback', state: 's', code_challenge: challenge, code_challenge_method: 'S256',
    });
    expect(page.status).toBe(200);
    const form = parseSignInForm(page.text, page.headers['set-cookie']);
    return request(server.url).post(form.action).set('cookie', form.cookie).type('form')
      .send({ request: form.request, csrf_token: form.csrfToken, username, password });
  }

  it('signs in a user of the extension directory', async () => {
    const res = await signIn('carol', 'carol-password');
    expect(res.status).toBe(303);
    expect(res.headers.location).toMatch(/^https:\/\/app\.test\/callback\?code=/);
  });

  it('no longer consults the configured users', async () => {
    const res = await signIn('alice', 'alice-password');
    expect(res.status).toBe(200);
    expect(res.headers.location).toBeUndefined();
  });
});

describe('SYMPAUTHY_MODULES: problems', () => {
  it('a file that cannot be loaded stops the server with exit 2 and its name', async () => {
    const result = await runNode('main.js', [], { env: { SYMPAUTHY_CONFIG: writeConfig(baseConfig()), SYMPAUTHY_MODULES: '/nonexistent/ext.mjs', PORT: '0' } });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/SYMPAUTHY_MODULES: cannot load \/nonexistent\/ext\.mjs/);
  });

  it('a file whose default export is not a Nest module is refused, by config:check too', async () => {
    const notAModule = writeConfig('export default { hello: 1 };\n', 'not-a-module.mjs');
    const result = await runNode('cli/config-check.js', [writeConfig(baseConfig())], { env: { SYMPAUTHY_MODULES: notAModule } });
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/must export default a Nest module/);
  });

  it('config:check boots the extension with the server modules', async () => {
    const result = await runNode('cli/config-check.js', [writeConfig(baseConfig())], { env: { SYMPAUTHY_MODULES: EXTENSION } });
    expect(result.stderr).not.toMatch(/invalid configuration|SYMPAUTHY_MODULES/);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/^configuration valid/);
  });
});
