import { Redis } from 'ioredis';
import request from 'supertest';
import { tokenHash } from '../src/common/secure-tokens.js';
import { NoScriptBrowser } from './support/no-script-browser.js';
import { sharedRedis, uniqueKeyPrefix } from './support/redis-servers.js';
import { ALICE_PASSWORD, TestApp, baseConfig, startTestApp } from './support/test-app.js';
import { generateTestKey } from './support/test-keys.js';
import { SPA, WEB_APP, WEB_APP_CALLBACK, exchangeCode } from './support/token-endpoint.js';

/**
 * Two replicas on one Redis store (SPEC §4, §6): a session started at one serves the
 * authorization endpoint at the other, and a logout at either ends it for both. Each replica is
 * the real app, in process, with the same configuration and keys.
 */

const web = { client_id: 'web-app', redirect_uri: WEB_APP_CALLBACK };
const spa = { client_id: 'spa', redirect_uri: 'http://127.0.0.1/callback' };

async function untilReady(t: TestApp): Promise<void> {
  const deadline = Date.now() + 10_000;
  while ((await request(t.server).get('/health/ready')).status !== 200) {
    if (Date.now() > deadline) throw new Error('replica not ready within 10 s');
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

function claimsOf(jwt: string): Record<string, unknown> {
  return JSON.parse(Buffer.from(jwt.split('.')[1], 'base64url').toString('utf8')) as Record<string, unknown>;
}

describe('sessions across two replicas on Redis', () => {
  let redis: Awaited<ReturnType<typeof sharedRedis>>;
  let raw: Redis;
  let a: TestApp;
  let b: TestApp;
  const prefix = uniqueKeyPrefix('sessions');

  beforeAll(async () => {
    redis = await sharedRedis();
    raw = new Redis(redis.url, { lazyConnect: true });
    await raw.connect();
    const config = baseConfig({
      keys: {
        'access-token': [{ id: 'at-replicas', 'private-key': generateTestKey('ES256').pem }],
        'id-token': [{ id: 'it-replicas', 'private-key': generateTestKey('ES256').pem }],
      },
      store: { type: 'redis', url: redis.url, 'key-prefix': prefix },
      session: { 'idle-timeout': '10m' },
    });
    [a, b] = await Promise.all([startTestApp(config), startTestApp(config)]);
    await Promise.all([untilReady(a), untilReady(b)]);
  });
  afterAll(async () => {
    await Promise.all([a?.close(), b?.close()]);
    raw?.disconnect();
    await redis?.release();
  });

  it('serves at B the session started at A, with the sign-in\'s auth_time; a logout at B ends it at A', async () => {
    const atA = new NoScriptBrowser(a);
    const atB = atA.at(b);
    const first = (await exchangeCode(a, await atA.signInTo({ ...web, scope: 'openid' }, 'alice', ALICE_PASSWORD), WEB_APP)).body;
    const silent = await atB.silentCode({ ...spa, scope: 'openid' });
    const second = (await exchangeCode(a, silent, SPA)).body;
    expect(claimsOf(second.id_token)).toMatchObject({ sub: 'alice', aud: 'spa', auth_time: claimsOf(first.id_token).auth_time });

    const cookie = atA.cookie('sympauthy_session')!;
    const logout = await atB.get(`/api/openid/logout?${new URLSearchParams({ id_token_hint: first.id_token })}`);
    expect(logout.status).toBe(200);
    expect(logout.text).toContain('You are signed out');
    expect(atA.cookie('sympauthy_session')).toBeUndefined();
    // A copy of the cookie the browser dropped is worthless at A too.
    const copy = new NoScriptBrowser(a);
    copy.plant('sympauthy_session', cookie, '/api');
    expect((await copy.authorize(spa)).kind).toBe('form');
  });

  it('ends at A a session confirmed at B: the confirmation token of one replica is valid at the other', async () => {
    const atA = new NoScriptBrowser(a);
    await atA.signInTo(web, 'alice', ALICE_PASSWORD);
    const cookie = atA.cookie('sympauthy_session')!;
    const page = await atA.get('/api/openid/logout');
    const token = /name="csrf_token" value="([^"]+)"/.exec(page.text)![1];
    const confirmed = await atA.at(b).post('/api/openid/logout', { csrf_token: token });
    expect(confirmed.status).toBe(200);
    const copy = new NoScriptBrowser(a);
    copy.plant('sympauthy_session', cookie, '/api');
    expect((await copy.authorize(spa)).kind).toBe('form');
  });

  it('keeps one key per session, under the hash of the cookie, with a TTL of at most the idle timeout', async () => {
    const browser = new NoScriptBrowser(a);
    await browser.signInTo(web, 'alice', ALICE_PASSWORD);
    await browser.at(b).silentCode(spa);
    const cookie = browser.cookie('sympauthy_session')!;
    const key = `${prefix}session:${tokenHash(cookie)}`;
    expect(await raw.exists(key)).toBe(1);
    const ttl = await raw.pttl(key);
    expect(ttl).toBeGreaterThan(0);
    expect(ttl).toBeLessThanOrEqual(10 * 60_000);
    expect(await raw.hgetall(key)).toEqual({
      sid: expect.stringMatching(/^[A-Za-z0-9_-]{22}$/), user: 'alice', authTime: expect.stringMatching(/^\d{10}$/),
      expiresAt: expect.stringMatching(/^\d{13}$/), grants: expect.stringContaining('"clientId":"spa"'),
    });
    const keys = await raw.keys(`${prefix}*`);
    expect(keys.some((k) => k.includes(cookie))).toBe(false);
  });
});
