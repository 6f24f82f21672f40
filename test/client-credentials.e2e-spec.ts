import request from 'supertest';
import { TestApp, baseConfig, startTestApp } from './support/test-app.js';

describe('client credentials (smoke)', () => {
  let t: TestApp;
  beforeAll(async () => { t = await startTestApp(baseConfig()); });
  afterAll(async () => t.close());

  it('issues a token to a confidential service account', async () => {
    const res = await request(t.server).post('/api/oauth2/token').auth('svc', 'svc-secret')
      .type('form').send({ grant_type: 'client_credentials' });
    expect(res.status).toBe(200);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.body).toMatchObject({ token_type: 'Bearer', expires_in: 900 });
  });

  it('rejects a wrong secret with 401 and WWW-Authenticate', async () => {
    const res = await request(t.server).post('/api/oauth2/token').auth('svc', 'nope')
      .type('form').send({ grant_type: 'client_credentials' });
    expect(res.status).toBe(401);
    expect(res.body.error).toBe('invalid_client');
    expect(res.headers['www-authenticate']).toMatch(/^Basic realm=/);
  });
});
