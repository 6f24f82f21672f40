import { jest } from '@jest/globals';
import { Inject, Injectable, Module } from '@nestjs/common';
import { AUTHORIZATION_STORE } from '../src/store/authorization-store.js';
import type { AuthorizationStore, CodeConsumption } from '../src/store/authorization-store.js';
import { MemoryAuthorizationStore } from '../src/store/memory-authorization-store.js';
import { TestApp, baseConfig, startTestApp } from './support/test-app.js';

/** A team's store: the memory store, recording which operations the app used. */
class RecordingStore extends MemoryAuthorizationStore {
  readonly calls: string[] = [];

  override async consumeCode(codeHash: string): Promise<CodeConsumption> {
    this.calls.push('consumeCode');
    return super.consumeCode(codeHash);
  }
}

@Module({ providers: [{ provide: AUTHORIZATION_STORE, useClass: RecordingStore }], exports: [AUTHORIZATION_STORE] })
class RecordingStoreModule {}

/** A feature module that injects the store without importing any store module. */
@Injectable()
class StoreConsumer {
  constructor(@Inject(AUTHORIZATION_STORE) readonly store: AuthorizationStore) {}
}

@Module({ providers: [StoreConsumer] })
class ConsumerModule {}

describe('replacing the authorization store with a module', () => {
  let t: TestApp | undefined;
  afterEach(async () => {
    await t?.close();
    t = undefined;
  });

  it('binds AUTHORIZATION_STORE to the store of the extension module, for every module', async () => {
    t = await startTestApp(baseConfig(), { extensions: [RecordingStoreModule, ConsumerModule] });
    const store = t.app.get<AuthorizationStore>(AUTHORIZATION_STORE, { strict: false });
    expect(store).toBeInstanceOf(RecordingStore);
    const consumer = t.app.get(StoreConsumer, { strict: false });
    expect(consumer.store).toBe(store);
    await consumer.store.consumeCode('unknown');
    expect((store as RecordingStore).calls).toEqual(['consumeCode']);
  });

  it('accepts a dynamic extension module, and then ignores store.type', async () => {
    const replacement = new RecordingStore();
    const dynamicExtension = { module: class TeamStoreModule {}, providers: [{ provide: AUTHORIZATION_STORE, useValue: replacement }], exports: [AUTHORIZATION_STORE] };
    t = await startTestApp(baseConfig({ store: { type: 'redis', url: 'redis://127.0.0.1:6379/0' } }), { extensions: [dynamicExtension, ConsumerModule] });
    expect(t.app.get(AUTHORIZATION_STORE, { strict: false })).toBe(replacement);
    expect(t.app.get(StoreConsumer, { strict: false }).store).toBe(replacement);
  });

  it('uses the built-in memory store by default', async () => {
    t = await startTestApp(baseConfig(), { extensions: [ConsumerModule] });
    const store = t.app.get<AuthorizationStore>(AUTHORIZATION_STORE, { strict: false });
    expect(store).toBeInstanceOf(MemoryAuthorizationStore);
    expect(store).not.toBeInstanceOf(RecordingStore);
    expect(t.app.get(StoreConsumer, { strict: false }).store).toBe(store);
  });

  it('refuses to start with store.type redis until the Redis adapter exists', async () => {
    await expect(startTestApp(baseConfig({ store: { type: 'redis', url: 'redis://127.0.0.1:6379/0' } })))
      .rejects.toThrow('store.type redis is not available yet');
  });

  it('stops the memory store sweep when the app closes', async () => {
    t = await startTestApp(baseConfig());
    const store = t.app.get<MemoryAuthorizationStore>(AUTHORIZATION_STORE, { strict: false });
    const close = jest.spyOn(store, 'close');
    await t.close();
    t = undefined;
    expect(close).toHaveBeenCalled();
  });
});
