import request from 'supertest';
import { obtainCode, openAuthorize, parseSignInForm, pkcePair, submitSignIn } from './support/browser-flow.js';
import { SVC, WEB_APP, WEB_APP_CALLBACK, exchangeCode, tokenRequest } from './support/token-endpoint.js';
import { TestApp, baseConfig, startTestApp } from './support/test-app.js';
import { sample, scrape } from './support/metrics-scrape.js';

describe('GET /metrics (Prometheus)', () => {
  let t: TestApp;
  beforeAll(async () => { t = await startTestApp(baseConfig()); });
  afterAll(async () => t.close());

  it('answers in the Prometheus text format, uncached, with the process metrics', async () => {
    const res = await request(t.server).get('/metrics');
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(res.headers['cache-control']).toBe('no-store');
    expect(res.text).toMatch(/^# HELP process_cpu_user_seconds_total /m);
    expect(res.text).toMatch(/^nodejs_eventloop_lag_seconds /m);
    expect(res.text).toMatch(/^# TYPE sympauthy_http_request_duration_seconds histogram$/m);
  });

  it('counts token requests by grant type and outcome, with unknown grant types under one label', async () => {
    const before = await scrape(t);
    const issued = (text: string) => sample(text, 'sympauthy_token_requests_total', { grant_type: 'client_credentials', outcome: 'issued' }) ?? 0;
    const badSecret = (text: string) => sample(text, 'sympauthy_token_requests_total', { grant_type: 'client_credentials', outcome: 'invalid_client' }) ?? 0;
    const unsupported = (text: string) => sample(text, 'sympauthy_token_requests_total', { grant_type: 'none', outcome: 'unsupported_grant_type' }) ?? 0;

    expect((await tokenRequest(t, { grant_type: 'client_credentials' }, SVC)).status).toBe(200);
    expect((await tokenRequest(t, { grant_type: 'client_credentials' }, SVC)).status).toBe(200);
    expect((await tokenRequest(t, { grant_type: 'client_credentials' }, { ...SVC, secret: 'wrong' })).status).toBe(401);
    expect((await tokenRequest(t, { grant_type: 'urn:x-made-up:attacker-chosen-label' }, SVC)).status).toBe(400);

    const after = await scrape(t);
    expect(issued(after) - issued(before)).toBe(2);
    expect(badSecret(after) - badSecret(before)).toBe(1);
    expect(unsupported(after) - unsupported(before)).toBe(1);
    expect(after).not.toContain('attacker-chosen-label');
  });

  it('counts the authorization code flow: sign-in outcomes and the code exchange', async () => {
    const before = await scrape(t);
    const signIns = (text: string, outcome: string) => sample(text, 'sympauthy_sign_in_attempts_total', { outcome }) ?? 0;
    const exchanged = (text: string) => sample(text, 'sympauthy_token_requests_total', { grant_type: 'authorization_code', outcome: 'issued' }) ?? 0;

    const { challenge } = pkcePair();
    const page = await openAuthorize(t, { response_type: 'code', client_id: 'web-app', redirect_uri: WEB_APP_CALLBACK, code_challenge: challenge, code_challenge_method: 'S256', state: 's' });
    const form = parseSignInForm(page.text, page.headers['set-cookie']);
    expect((await submitSignIn(t, form, 'alice', 'not-her-password')).status).toBe(200);
    const code = await obtainCode(t, { client_id: 'web-app', redirect_uri: WEB_APP_CALLBACK });
    expect((await exchangeCode(t, code, WEB_APP)).status).toBe(200);

    const after = await scrape(t);
    expect(signIns(after, 'wrong_credentials') - signIns(before, 'wrong_credentials')).toBe(1);
    expect(signIns(after, 'success') - signIns(before, 'success')).toBe(1);
    expect(exchanged(after) - exchanged(before)).toBe(1);
  });

  it('labels requests by route template and status, never by the raw path', async () => {
    const count = (text: string, route: string, status: string) =>
      sample(text, 'sympauthy_http_request_duration_seconds_count', { method: 'GET', route, status }) ?? 0;
    const before = await scrape(t);
    expect((await request(t.server).get('/health/live')).status).toBe(200);
    expect((await request(t.server).get('/no/such/path-with-a-secret-looking-name')).status).toBe(404);
    const after = await scrape(t);
    expect(count(after, '/health/live', '200') - count(before, '/health/live', '200')).toBe(1);
    expect(count(after, 'unmatched', '404') - count(before, 'unmatched', '404')).toBe(1);
    expect(after).not.toContain('secret-looking-name');
  });

  it('carries no client id, username, secret or token in any label', async () => {
    const code = await obtainCode(t, { client_id: 'web-app', redirect_uri: WEB_APP_CALLBACK });
    const tokens = await exchangeCode(t, code, WEB_APP);
    const text = await scrape(t);
    for (const value of ['web-app', 'svc-secret', 'web-secret', 'alice', code.code, tokens.body.access_token, tokens.body.refresh_token]) {
      expect(text).not.toContain(value);
    }
  });
});
