// Risk: authorization code replay — a leaked or intercepted code redeemed a second time.
// RFC 6749 §4.1.2 and §10.5; OAuth 2.1 §4.1.3: a code is single use, and a second use must fail
// and SHOULD revoke every token already issued from it — also when the replay comes after the
// code itself would have expired (the tokens of the first exchange live far longer than the code).
import request from 'supertest';
import { obtainCode } from '../support/browser-flow.js';
import { TestApp, baseConfig, startTestApp } from '../support/test-app.js';
import { ShiftableClock, WEB_APP, WEB_APP_CALLBACK, exchangeCode, introspect, memoryStoreOn, refresh } from '../support/token-endpoint.js';

describe('security: authorization code replay', () => {
  let t: TestApp;
  beforeAll(async () => { t = await startTestApp(baseConfig()); });
  afterAll(async () => t.close());

  async function isActive(token: string): Promise<boolean> {
    return (await introspect(t, token, WEB_APP)).body.active === true;
  }

  it('refuses the replay and revokes what the first redemption produced, rotated tokens included', async () => {
    const result = await obtainCode(t, { client_id: 'web-app', redirect_uri: WEB_APP_CALLBACK, scope: 'openid' });
    const first = await exchangeCode(t, result, WEB_APP);
    expect(first.status).toBe(200);
    const rotated = await refresh(t, first.body.refresh_token, WEB_APP);
    expect(rotated.status).toBe(200);
    expect(await isActive(rotated.body.access_token)).toBe(true);

    const replay = await exchangeCode(t, result, WEB_APP);
    expect(replay.status).toBe(400);
    expect(replay.body.error).toBe('invalid_grant');
    expect(replay.body.access_token).toBeUndefined();

    for (const token of [first.body.access_token, first.body.refresh_token, rotated.body.access_token, rotated.body.refresh_token]) {
      expect(await isActive(token)).toBe(false);
    }
    expect((await refresh(t, rotated.body.refresh_token, WEB_APP)).status).toBe(400);
    const info = await request(t.server).get('/api/openid/userinfo').set('authorization', `Bearer ${rotated.body.access_token}`);
    expect(info.status).toBe(401);
  });

  it('lets at most one of ten concurrent redemptions succeed, and the replays revoke what it got', async () => {
    const result = await obtainCode(t, { client_id: 'web-app', redirect_uri: WEB_APP_CALLBACK, scope: 'openid' });
    const answers = await Promise.all(Array.from({ length: 10 }, () => exchangeCode(t, result, WEB_APP)));
    const winners = answers.filter((res) => res.status === 200);
    expect(winners.length).toBeLessThanOrEqual(1);
    for (const res of answers.filter((r) => r.status !== 200)) expect(res.body.error).toBe('invalid_grant');
    for (const res of winners) {
      expect(await isActive(res.body.access_token)).toBe(false);
      expect(await isActive(res.body.refresh_token)).toBe(false);
    }
  });

  it('does not let a replay revoke another code\'s tokens', async () => {
    const replayed = await obtainCode(t, { client_id: 'web-app', redirect_uri: WEB_APP_CALLBACK, scope: 'openid' });
    const bystanderCode = await obtainCode(t, { client_id: 'web-app', redirect_uri: WEB_APP_CALLBACK, scope: 'openid' });
    const bystander = await exchangeCode(t, bystanderCode, WEB_APP);
    expect((await exchangeCode(t, replayed, WEB_APP)).status).toBe(200);
    expect((await exchangeCode(t, replayed, WEB_APP)).status).toBe(400);
    expect(await isActive(bystander.body.access_token)).toBe(true);
    expect(await isActive(bystander.body.refresh_token)).toBe(true);
  });

  it('revokes what the first redemption produced when the replay comes after the code\'s lifespan', async () => {
    const clock = new ShiftableClock();
    const clocked = await startTestApp(baseConfig(), { extensions: [memoryStoreOn(clock)] });
    try {
      const result = await obtainCode(clocked, { client_id: 'web-app', redirect_uri: WEB_APP_CALLBACK, scope: 'openid' });
      const first = await exchangeCode(clocked, result, WEB_APP);
      expect(first.status).toBe(200);
      clock.advance(62_000); // past the 60 s code lifespan, well within the 15 min access-token lifespan
      const replay = await exchangeCode(clocked, result, WEB_APP);
      expect(replay.status).toBe(400);
      expect(replay.body.error).toBe('invalid_grant');
      expect((await introspect(clocked, first.body.access_token, WEB_APP)).body.active).toBe(false);
      expect((await introspect(clocked, first.body.refresh_token, WEB_APP)).body.active).toBe(false);
    } finally {
      await clocked.close();
    }
  });
});
