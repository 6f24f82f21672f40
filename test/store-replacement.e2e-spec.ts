import { jest } from '@jest/globals';
import { Inject, Injectable, Module } from '@nestjs/common';
import { AUTHORIZATION_CODE_STORE } from '../src/store/authorization-code-store.js';
import type { AuthorizationCodeStore, CodeRedemption } from '../src/store/authorization-code-store.js';
import { MemoryAuthorizationCodeStore } from '../src/store/memory/memory-authorization-code-store.js';
import { MemoryRefreshTokenStore } from '../src/store/memory/memory-refresh-token-store.js';
import { REFRESH_TOKEN_STORE } from '../src/store/refresh-token-store.js';
import { REDIS_CONNECTION } from '../src/store/redis/redis-store.providers.js';
import { STORE_PORTS } from '../src/store/store.module.js';
import { obtainCode } from './support/browser-flow.js';
import { TestApp, baseConfig, startTestApp } from './support/test-app.js';
import { WEB_APP, WEB_APP_CALLBACK, exchangeCode } from './support/token-endpoint.js';

/** A team's code store: the memory one, recording which operations the app used. */
class RecordingCodeStore extends MemoryAuthorizationCodeStore {
  readonly calls: string[] = [];

  override async redeem(codeHash: string, bindings: readonly string[], spentTtlMs: number): Promise<CodeRedemption> {
    this.calls.push('redeem');
    return super.redeem(codeHash, bindings, spentTtlMs);
  }
}

@Module({ providers: [{ provide: AUTHORIZATION_CODE_STORE, useClass: RecordingCodeStore }], exports: [AUTHORIZATION_CODE_STORE] })
class RecordingCodeStoreModule {}

/** A feature module that injects a store port without importing any store module. */
@Injectable()
class StoreConsumer {
  constructor(@Inject(AUTHORIZATION_CODE_STORE) readonly codes: AuthorizationCodeStore) {}
}

@Module({ providers: [StoreConsumer] })
class ConsumerModule {}

describe('replacing store ports with a module', () => {
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it('binds a port to the store of the extension module, for every module, and keeps the built-in ones for the others', async () => {
    t = await startTestApp(baseConfig(), { extensions: [RecordingCodeStoreModule, ConsumerModule] });
    const codes = t.app.get<AuthorizationCodeStore>(AUTHORIZATION_CODE_STORE, { strict: false });
    expect(codes).toBeInstanceOf(RecordingCodeStore);
    expect(t.app.get(StoreConsumer, { strict: false }).codes).toBe(codes);
    expect(t.app.get(REFRESH_TOKEN_STORE, { strict: false })).toBeInstanceOf(MemoryRefreshTokenStore);

    const result = await obtainCode(t, { client_id: 'web-app', redirect_uri: WEB_APP_CALLBACK, scope: 'openid' });
    expect((await exchangeCode(t, result, WEB_APP)).status).toBe(200);
    expect((codes as RecordingCodeStore).calls).toEqual(['redeem']);
  });

  it('accepts a dynamic extension module replacing every port, and then ignores store.type', async () => {
    const replacement = new RecordingCodeStore();
    const others = new Map(STORE_PORTS.filter((token) => token !== AUTHORIZATION_CODE_STORE).map((token) => [token, { ping: async () => true }]));
    const dynamicExtension = {
      module: class TeamStoreModule {},
      providers: [{ provide: AUTHORIZATION_CODE_STORE, useValue: replacement }, ...[...others].map(([provide, useValue]) => ({ provide, useValue }))],
      exports: [...STORE_PORTS],
    };
    t = await startTestApp(baseConfig({ store: { type: 'redis', url: 'redis://127.0.0.1:6379/0', 'allow-generated-keys': true } }), { extensions: [dynamicExtension, ConsumerModule] });
    expect(t.app.get(AUTHORIZATION_CODE_STORE, { strict: false })).toBe(replacement);
    expect(t.app.get(StoreConsumer, { strict: false }).codes).toBe(replacement);
    // store.type is ignored: no Redis connection is built (nor opened) for ports nobody uses.
    expect(() => t!.app.get(REDIS_CONNECTION, { strict: false })).toThrow();
  });

  it('lists every port once', () => {
    expect(new Set(STORE_PORTS).size).toBe(STORE_PORTS.length);
    expect(STORE_PORTS).toHaveLength(8);
  });

  it('refuses two extension modules exporting the same port', async () => {
    @Module({ providers: [{ provide: AUTHORIZATION_CODE_STORE, useClass: RecordingCodeStore }], exports: [AUTHORIZATION_CODE_STORE] })
    class SecondCodeStoreModule {}
    await expect(startTestApp(baseConfig(), { extensions: [RecordingCodeStoreModule, SecondCodeStoreModule] })).rejects.toThrow(/several extension modules export/);
  });

  it('stops the memory stores\' sweeps when the app closes', async () => {
    t = await startTestApp(baseConfig());
    const codes = t.app.get<MemoryAuthorizationCodeStore>(AUTHORIZATION_CODE_STORE, { strict: false });
    const close = jest.spyOn(codes, 'close');
    await t.close();
    t = undefined;
    expect(close).toHaveBeenCalled();
  });
});
