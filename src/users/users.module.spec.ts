import 'reflect-metadata';
import { Global, Inject, Injectable, Module } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import { CommonModule } from '../common/common.module.js';
import { LiveConfiguration } from '../live-config/live-configuration.js';
import type { ConfigurationSnapshot } from '../live-config/configuration-snapshot.js';
import { ConfigUserDirectory } from './config-user-directory.js';
import { USER_DIRECTORY } from './user-directory.js';
import type { User, UserDirectory } from './user-directory.js';
import { UsersModule } from './users.module.js';

/** A team's directory: users held in memory (no password hashing, for the test only). */
class InMemoryUserDirectory implements UserDirectory {
  private readonly users = new Map([['dora', { password: 'dora-password', user: { id: 'dora', claims: { name: 'Dora' } } }]]);

  async authenticate(username: string, password: string): Promise<User | undefined> {
    const entry = this.users.get(username);
    return entry && entry.password === password ? entry.user : undefined;
  }

  async findById(id: string): Promise<User | undefined> {
    return this.users.get(id)?.user;
  }
}

@Module({ providers: [{ provide: USER_DIRECTORY, useClass: InMemoryUserDirectory }], exports: [USER_DIRECTORY] })
class InMemoryUsersModule {}

/** Stands for the sign-in controller: injects the port without importing any users module. */
@Injectable()
class DirectoryConsumer {
  constructor(@Inject(USER_DIRECTORY) readonly directory: UserDirectory) {}
}

@Module({ providers: [DirectoryConsumer] })
class ConsumerModule {}

/** The configuration the built-in directory reads (only what it uses). */
@Global()
@Module({
  imports: [CommonModule],
  providers: [{
    provide: LiveConfiguration,
    useValue: new LiveConfiguration({ users: new Map([['alice', { password: '$2b$04$j6z0SLknq3hgXOZ.EujfCO.zEv3nCL8e5uhPmURfObpNapo6ZWEUe' }]]) } as unknown as ConfigurationSnapshot),
  }],
  exports: [LiveConfiguration],
})
class FakeConfigurationModule {}

describe('UsersModule', () => {
  it('binds USER_DIRECTORY, for every module, to the extension module that exports it', async () => {
    // No configuration is provided: the built-in directory is not even built.
    const moduleRef = await Test.createTestingModule({ imports: [UsersModule.forRoot([InMemoryUsersModule]), ConsumerModule] }).compile();
    const directory = moduleRef.get(DirectoryConsumer).directory;
    expect(directory).toBeInstanceOf(InMemoryUserDirectory);
    expect(await directory.authenticate('dora', 'dora-password')).toEqual({ id: 'dora', claims: { name: 'Dora' } });
    expect(await directory.authenticate('alice', 'alice-password')).toBeUndefined();
    await moduleRef.close();
  });

  it('accepts a dynamic extension module', async () => {
    const replacement = new InMemoryUserDirectory();
    const extension = { module: class TeamUsersModule {}, providers: [{ provide: USER_DIRECTORY, useValue: replacement }], exports: [USER_DIRECTORY] };
    const moduleRef = await Test.createTestingModule({ imports: [UsersModule.forRoot([extension]), ConsumerModule] }).compile();
    expect(moduleRef.get(DirectoryConsumer).directory).toBe(replacement);
    await moduleRef.close();
  });

  it('ignores extension modules that do not export USER_DIRECTORY and uses the configuration users', async () => {
    @Module({})
    class UnrelatedModule {}
    const moduleRef = await Test.createTestingModule({ imports: [FakeConfigurationModule, UsersModule.forRoot([UnrelatedModule]), ConsumerModule] }).compile();
    const directory = moduleRef.get(DirectoryConsumer).directory;
    expect(directory).toBeInstanceOf(ConfigUserDirectory);
    expect((await directory.authenticate('alice', 'alice-password'))?.id).toBe('alice');
    await moduleRef.close();
  });

  it('refuses two extension modules that both export USER_DIRECTORY', () => {
    @Module({ providers: [{ provide: USER_DIRECTORY, useClass: InMemoryUserDirectory }], exports: [USER_DIRECTORY] })
    class OtherUsersModule {}
    expect(() => UsersModule.forRoot([InMemoryUsersModule, OtherUsersModule])).toThrow('several extension modules export');
  });
});
