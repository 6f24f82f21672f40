// Risk: a pushed authorization request is used twice or by another client — RFC 9126 §2.2 and
// §7.3 (a request_uri is bound to its client and one-time use), §4 (the authorization server
// takes the parameters from the pushed request only).
import request from 'supertest';
import { pkcePair } from '../support/browser-flow.js';
import { TestApp, baseConfig, startTestApp } from '../support/test-app.js';
import { WEB_APP, WEB_APP_CALLBACK, postAsClient } from '../support/token-endpoint.js';

const PARALLEL = 25;

describe('security: pushed authorization request replay', () => {
  let t: TestApp;
  beforeAll(async () => { t = await startTestApp(baseConfig()); });
  afterAll(async () => t.close());

  async function pushed(): Promise<string> {
    const res = await postAsClient(t, '/api/oauth2/par', {
      response_type: 'code', redirect_uri: WEB_APP_CALLBACK, scope: 'openid', state: 'st',
      code_challenge: pkcePair().challenge, code_challenge_method: 'S256',
    }, WEB_APP);
    expect(res.status).toBe(201);
    return res.body.request_uri as string;
  }

  it(`serves one request_uri once when ${PARALLEL} browsers open it at the same time`, async () => {
    const requestUri = await pushed();
    const answers = await Promise.all(Array.from({ length: PARALLEL }, () =>
      request(t.server).get('/api/oauth2/authorize').query({ client_id: 'web-app', request_uri: requestUri })));
    expect(answers.filter((r) => r.status === 200)).toHaveLength(1);
    expect(answers.filter((r) => r.status === 400 && r.headers.location === undefined)).toHaveLength(PARALLEL - 1);
  });

  it('never lets another client spend or use a request_uri it did not push', async () => {
    const requestUri = await pushed();
    const others = await Promise.all(['spa', 'svc', 'nobody'].map((clientId) =>
      request(t.server).get('/api/oauth2/authorize').query({ client_id: clientId, request_uri: requestUri })));
    for (const res of others) {
      expect(res.status).toBe(400);
      expect(res.headers.location).toBeUndefined();
    }
    expect((await request(t.server).get('/api/oauth2/authorize').query({ client_id: 'web-app', request_uri: requestUri })).status).toBe(200);
  });
});
