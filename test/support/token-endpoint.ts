import type { DynamicModule } from '@nestjs/common';
import request from 'supertest';
import { memoryStoreProviders } from '../../src/store/store.module.js';
import { obtainCode } from './browser-flow.js';
import type { CodeResult } from './browser-flow.js';
import type { TestApp } from './test-app.js';

/** How a test client authenticates: HTTP Basic, the form body, or `client_id` only (public). */
export interface ClientAuth {
  clientId: string;
  secret?: string;
  method?: 'basic' | 'post';
}

export const WEB_APP: ClientAuth = { clientId: 'web-app', secret: 'web-secret' };
export const WEB_APP_POST: ClientAuth = { clientId: 'web-app', secret: 'web-secret', method: 'post' };
export const SPA: ClientAuth = { clientId: 'spa' };
export const SVC: ClientAuth = { clientId: 'svc', secret: 'svc-secret' };
export const WEB_APP_CALLBACK = 'https://app.test/callback';
export const SPA_CALLBACK = 'http://127.0.0.1/callback';

/** POSTs a form to an endpoint that authenticates the client (token, introspect, revoke). */
export function postAsClient(t: TestApp, path: string, params: Record<string, string>, client: ClientAuth): request.Test {
  const body: Record<string, string> = { ...params };
  let req = request(t.server).post(path).type('form');
  if (client.secret !== undefined && (client.method ?? 'basic') === 'basic') req = req.auth(client.clientId, client.secret);
  else {
    body.client_id = client.clientId;
    if (client.secret !== undefined) body.client_secret = client.secret;
  }
  return req.send(body);
}

export function tokenRequest(t: TestApp, params: Record<string, string>, client: ClientAuth): request.Test {
  return postAsClient(t, '/api/oauth2/token', params, client);
}

export function exchangeCode(t: TestApp, result: CodeResult, client: ClientAuth, overrides: Record<string, string> = {}): request.Test {
  return tokenRequest(t, {
    grant_type: 'authorization_code', code: result.code, redirect_uri: result.redirectUri, code_verifier: result.verifier, ...overrides,
  }, client);
}

export function refresh(t: TestApp, refreshToken: string, client: ClientAuth, extra: Record<string, string> = {}): request.Test {
  return tokenRequest(t, { grant_type: 'refresh_token', refresh_token: refreshToken, ...extra }, client);
}

export function introspect(t: TestApp, token: string, client: ClientAuth): request.Test {
  return postAsClient(t, '/api/oauth2/introspect', { token }, client);
}

export function revoke(t: TestApp, token: string, client: ClientAuth, extra: Record<string, string> = {}): request.Test {
  return postAsClient(t, '/api/oauth2/revoke', { token, ...extra }, client);
}

export interface TokenSet {
  access_token: string;
  refresh_token?: string;
  id_token?: string;
  scope?: string;
  [field: string]: unknown;
}

/** Signs alice in through the browser flow and exchanges the code; fails loudly otherwise. */
export async function signInAndExchange(
  t: TestApp, client: ClientAuth, redirectUri: string, params: Partial<Record<string, string>> = { scope: 'openid profile email' },
): Promise<TokenSet> {
  const result = await obtainCode(t, { client_id: client.clientId, redirect_uri: redirectUri, ...params });
  const res = await exchangeCode(t, result, client);
  if (res.status !== 200) throw new Error(`code exchange answered ${res.status}: ${res.text}`);
  return res.body as TokenSet;
}

/** A clock for the memory store's TTLs that a test moves forward; starts at the real time. */
export class ShiftableClock {
  private offsetMs = 0;
  readonly now = (): number => Date.now() + this.offsetMs;

  advance(ms: number): void {
    this.offsetMs += ms;
  }
}

/** An extension module binding the memory store ports to `clock`, so expiry is tested without waiting. */
export function memoryStoreOn(clock: ShiftableClock): DynamicModule {
  class ClockedStoreModule {}
  const providers = memoryStoreProviders({ now: clock.now, sweepIntervalMs: 0 });
  return { module: ClockedStoreModule, providers, exports: providers.map((p) => p.provide) };
}
