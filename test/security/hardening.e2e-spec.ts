// Risks closed after review, one test each:
// - a client that learns another client's used code must not be able to revoke that client's
//   tokens by replaying it (RFC 9700 §4.5; node-oidc-provider checks the client first);
// - a rotated refresh token presented with a wider scope must trigger reuse detection, not leak
//   through `invalid_scope` that its family is alive (OAuth 2.1 §4.3.1, RFC 9700 §4.14.2);
// - an over-long `state` is not echoed into the error redirect (RFC 6749 §4.1.2.1);
// - the client address used by the sign-in throttle is the TCP peer unless TRUST_PROXY says
//   otherwise, so X-Forwarded-For cannot be forged to evade it (SPEC §3);
// - a store that cannot take a write answers 503, never 500 (SPEC §2, "never a 500").
import { DynamicModule } from '@nestjs/common';
import request from 'supertest';
import { ATTEMPT_COUNTER_STORE } from '../../src/store/attempt-counter-store.js';
import type { AttemptCounterStore } from '../../src/store/attempt-counter-store.js';
import { StoreUnavailableError } from '../../src/store/store-errors.js';
import { obtainCode, openAuthorize, parseSignInForm, pkcePair } from '../support/browser-flow.js';
import { TestApp, baseConfig, startTestApp } from '../support/test-app.js';
import { SPA, SPA_CALLBACK, WEB_APP, WEB_APP_CALLBACK, exchangeCode, introspect, refresh, signInAndExchange } from '../support/token-endpoint.js';

describe('security hardening', () => {
  let t: TestApp;
  beforeAll(async () => { t = await startTestApp(baseConfig()); });
  afterAll(async () => t.close());

  it('a used code replayed by another client fails without revoking the real client\'s tokens', async () => {
    const result = await obtainCode(t, { client_id: 'web-app', redirect_uri: WEB_APP_CALLBACK, scope: 'openid' });
    const first = await exchangeCode(t, result, WEB_APP);
    expect(first.status).toBe(200);
    const replay = await exchangeCode(t, { ...result, redirectUri: SPA_CALLBACK }, SPA);
    expect(replay.status).toBe(400);
    expect(replay.body.error).toBe('invalid_grant');
    expect((await introspect(t, first.body.access_token, WEB_APP)).body.active).toBe(true);
    expect((await refresh(t, first.body.refresh_token, WEB_APP)).status).toBe(200);
  });

  it('a rotated refresh token asking for a wider scope is reuse (family revoked), not invalid_scope', async () => {
    const tokens = await signInAndExchange(t, WEB_APP, WEB_APP_CALLBACK, { scope: 'openid' });
    const rotated = await refresh(t, tokens.refresh_token!, WEB_APP);
    expect(rotated.status).toBe(200);
    const reuse = await refresh(t, tokens.refresh_token!, WEB_APP, { scope: 'openid profile email' });
    expect(reuse.status).toBe(400);
    expect(reuse.body.error).toBe('invalid_grant');
    expect((await refresh(t, rotated.body.refresh_token, WEB_APP)).body.error).toBe('invalid_grant');
  });

  it('a live refresh token asking for a wider scope is invalid_scope and stays usable', async () => {
    const tokens = await signInAndExchange(t, WEB_APP, WEB_APP_CALLBACK, { scope: 'openid' });
    const wider = await refresh(t, tokens.refresh_token!, WEB_APP, { scope: 'openid profile' });
    expect(wider.body.error).toBe('invalid_scope');
    expect((await refresh(t, tokens.refresh_token!, WEB_APP)).status).toBe(200);
  });

  it('does not echo an over-long state into the error redirect', async () => {
    const { challenge } = pkcePair();
    const res = await openAuthorize(t, {
      response_type: 'code', client_id: 'web-app', redirect_uri: WEB_APP_CALLBACK, state: 's'.repeat(3000), code_challenge: challenge, code_challenge_method: 'S256',
    });
    expect(res.status).toBe(302);
    const location = new URL(String(res.headers.location));
    expect(location.searchParams.get('error')).toBe('invalid_request');
    expect(location.searchParams.has('state')).toBe(false);
    expect(String(res.headers.location).length).toBeLessThan(500);
  });
});

describe('TRUST_PROXY', () => {
  it('without it, a forged X-Forwarded-For does not spread failures over fake addresses', async () => {
    const t = await startTestApp(baseConfig());
    try {
      let last: request.Response | undefined;
      for (let i = 0; i < 31; i++) {
        const page = await openAuthorize(t, {
          response_type: 'code', client_id: 'web-app', redirect_uri: WEB_APP_CALLBACK, state: 's', code_challenge: pkcePair().challenge, code_challenge_method: 'S256',
        });
        const form = parseSignInForm(page.text, page.headers['set-cookie']);
        last = await request(t.server).post(form.action).set('cookie', form.cookie).set('x-forwarded-for', `198.51.100.${i}`)
          .type('form').send({ request: form.request, csrf_token: form.csrfToken, username: `nobody-${i}`, password: 'wrong' });
      }
      expect(last!.status).toBe(429);
      expect(Number(last!.headers['retry-after'])).toBeGreaterThanOrEqual(1);
      // Requests from a private address carrying X-Forwarded-For: the operator is told, once.
      expect(t.logs.filter((line) => line.includes('while TRUST_PROXY is unset'))).toHaveLength(1);
    } finally {
      await t.close();
    }
  }, 60_000);
});

describe('sign-in attempt counters that cannot be written', () => {
  const calls: string[] = [];
  const downCounters: AttemptCounterStore = {
    reserve: async () => { calls.push('reserve'); throw new StoreUnavailableError('full'); },
    settle: async () => { calls.push('settle'); throw new StoreUnavailableError('full'); },
  };
  const downCountersModule: DynamicModule = {
    module: class DownCountersModule {},
    providers: [{ provide: ATTEMPT_COUNTER_STORE, useValue: downCounters }],
    exports: [ATTEMPT_COUNTER_STORE],
  };
  let t: TestApp;
  beforeAll(async () => { t = await startTestApp(baseConfig(), { extensions: [downCountersModule] }); });
  afterAll(async () => t.close());

  it('refuse the sign-in with a 503 page before any password is checked (fail closed), not a 500 and never a code', async () => {
    const page = await openAuthorize(t, {
      response_type: 'code', client_id: 'web-app', redirect_uri: WEB_APP_CALLBACK, state: 's', code_challenge: pkcePair().challenge, code_challenge_method: 'S256',
    });
    expect(page.status).toBe(200); // an authorization request needs no store at all
    const form = parseSignInForm(page.text, page.headers['set-cookie']);
    const res = await request(t.server).post(form.action).set('cookie', form.cookie).type('form')
      .send({ request: form.request, csrf_token: form.csrfToken, username: 'alice', password: 'alice-password' });
    expect(res.status).toBe(503);
    expect(res.headers['content-type']).toMatch(/text\/html/);
    expect(res.text).toMatch(/Temporarily unavailable/);
    expect(res.headers.location).toBeUndefined();
    expect(calls).toEqual(['reserve', 'reserve']); // the address and the username, at once; no settle: nothing was reserved
  });
});
