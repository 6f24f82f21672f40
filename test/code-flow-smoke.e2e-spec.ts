import request from 'supertest';
import { obtainCode } from './support/browser-flow.js';
import { TestApp, baseConfig, startTestApp } from './support/test-app.js';

describe('authorization code flow (smoke)', () => {
  let t: TestApp;
  beforeAll(async () => { t = await startTestApp(baseConfig()); });
  afterAll(async () => t.close());

  it('signs alice in to the web app and exchanges the code', async () => {
    const { code, location, verifier } = await obtainCode(t, { client_id: 'web-app', redirect_uri: 'https://app.test/callback', scope: 'openid profile email', nonce: 'n-1' });
    expect(location.searchParams.get('iss')).toBe('http://issuer.test');
    const res = await request(t.server).post('/api/oauth2/token').auth('web-app', 'web-secret').type('form')
      .send({ grant_type: 'authorization_code', code, redirect_uri: 'https://app.test/callback', code_verifier: verifier });
    expect(res.status).toBe(200);
    expect(res.body).toMatchObject({ token_type: 'Bearer', scope: 'openid profile email' });
    expect(res.body.refresh_token).toEqual(expect.any(String));
    expect(res.body.id_token).toEqual(expect.any(String));

    const info = await request(t.server).get('/api/openid/userinfo').set('authorization', `Bearer ${res.body.access_token}`);
    expect(info.status).toBe(200);
    expect(info.body).toEqual({ sub: 'alice', name: 'Alice Example', email: 'alice@example.com', email_verified: true });

    const refreshed = await request(t.server).post('/api/oauth2/token').auth('web-app', 'web-secret').type('form')
      .send({ grant_type: 'refresh_token', refresh_token: res.body.refresh_token });
    expect(refreshed.status).toBe(200);
    expect(refreshed.body.refresh_token).not.toBe(res.body.refresh_token);

    const reuse = await request(t.server).post('/api/oauth2/token').auth('web-app', 'web-secret').type('form')
      .send({ grant_type: 'refresh_token', refresh_token: res.body.refresh_token });
    expect(reuse.status).toBe(400);
    expect(reuse.body.error).toBe('invalid_grant');

    const introspect = await request(t.server).post('/api/oauth2/introspect').auth('web-app', 'web-secret').type('form')
      .send({ token: refreshed.body.access_token });
    expect(introspect.body).toEqual({ active: false });
  });
});
