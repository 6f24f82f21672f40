// Risk: anyone holding an authorization code can void it for its owner — another client, or the
// same client with a wrong redirect_uri or code_verifier, "redeems" it, fails the checks, and the
// code is spent anyway (OAuth 2.1 §4.1.3, RFC 7636 §4.6, RFC 9700 §4.5). A code must be spent
// only by a redemption that passes every check: one atomic consume-if-matches.
import { obtainCode, pkcePair } from '../support/browser-flow.js';
import { TestApp, baseConfig, startTestApp } from '../support/test-app.js';
import { SPA, SPA_CALLBACK, WEB_APP, WEB_APP_CALLBACK, exchangeCode, introspect } from '../support/token-endpoint.js';

describe('security: a code cannot be voided by a failed redemption', () => {
  let t: TestApp;
  beforeAll(async () => { t = await startTestApp(baseConfig()); });
  afterAll(async () => t.close());

  it.each([
    ['another client', { client: SPA, overrides: { redirect_uri: SPA_CALLBACK } }],
    ['a wrong redirect_uri', { client: WEB_APP, overrides: { redirect_uri: 'https://app.test/other' } }],
    ['a wrong code_verifier', { client: WEB_APP, overrides: { code_verifier: pkcePair().verifier } }],
  ])('a redemption with %s fails and leaves the code valid for its owner', async (_, attempt) => {
    const result = await obtainCode(t, { client_id: 'web-app', redirect_uri: WEB_APP_CALLBACK, scope: 'openid' });
    const failed = await exchangeCode(t, result, attempt.client, attempt.overrides);
    expect(failed.status).toBe(400);
    expect(failed.body.error).toBe('invalid_grant');

    const owner = await exchangeCode(t, result, WEB_APP);
    expect(owner.status).toBe(200);
    expect((await introspect(t, owner.body.access_token, WEB_APP)).body.active).toBe(true);
  });

  it('lets exactly one of 50 concurrent redemptions by the owner succeed while 50 wrong ones run beside them', async () => {
    const result = await obtainCode(t, { client_id: 'web-app', redirect_uri: WEB_APP_CALLBACK, scope: 'openid' });
    const wrong = Array.from({ length: 50 }, () => exchangeCode(t, result, WEB_APP, { code_verifier: pkcePair().verifier }));
    const right = Array.from({ length: 50 }, () => exchangeCode(t, result, WEB_APP));
    const [wrongAnswers, rightAnswers] = await Promise.all([Promise.all(wrong), Promise.all(right)]);
    expect(wrongAnswers.every((res) => res.status === 400)).toBe(true);
    expect(rightAnswers.filter((res) => res.status === 200)).toHaveLength(1);
  });
});
