import { readFileSync } from 'node:fs';
import request from 'supertest';
import { obtainCode } from './support/browser-flow.js';
import { TestApp, startTestApp } from './support/test-app.js';

/** config/sympauthy.yml, as `npm start` serves it: the demo user signs in to the demo SPA. */
describe('the example configuration', () => {
  let t: TestApp;
  beforeAll(async () => { t = await startTestApp(readFileSync('config/sympauthy.yml', 'utf8')); });
  afterAll(async () => t.close());

  it('lets alice sign in to the public SPA on a loopback port and use her tokens', async () => {
    const code = await obtainCode(t, { client_id: 'spa', redirect_uri: 'http://127.0.0.1:8765/callback', scope: 'openid profile email' }, 'alice', 'alice-password');
    expect(code.location.origin).toBe('http://127.0.0.1:8765');
    const tokens = await request(t.server).post('/api/oauth2/token').type('form').send({
      grant_type: 'authorization_code', client_id: 'spa', code: code.code, redirect_uri: 'http://127.0.0.1:8765/callback', code_verifier: code.verifier,
    });
    expect(tokens.status).toBe(200);
    expect(tokens.body.refresh_token).toEqual(expect.any(String));
    const info = await request(t.server).get('/api/openid/userinfo').set('authorization', `Bearer ${tokens.body.access_token}`);
    expect(info.body).toMatchObject({ sub: 'alice', name: 'Alice Example', email: 'alice@example.com' });
  });

  it('issues client-credentials tokens to the service account with its development secret', async () => {
    const res = await request(t.server).post('/api/oauth2/token').auth('reporting-job', 'dev-reporting-secret-change-me')
      .type('form').send({ grant_type: 'client_credentials' });
    expect(res.status).toBe(200);
    expect(res.body.scope).toBe('invoices:read');
  });
});
