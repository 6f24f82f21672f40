import { Module } from '@nestjs/common';
import { LoadedConfiguration } from '../config/load-configuration.js';
import { ClientAuthGuard } from './client-auth.guard.js';
import { ClientAuthenticator } from './client-authenticator.js';
import { ClientRegistry } from './client-registry.js';
import { SecretVerifier } from './secret-verifier.js';

/** The registered clients and their authentication (SPEC §1). */
@Module({
  providers: [
    { provide: ClientRegistry, useFactory: (config: LoadedConfiguration) => config.clients, inject: [LoadedConfiguration] },
    { provide: SecretVerifier, useFactory: () => new SecretVerifier() },
    ClientAuthenticator,
    ClientAuthGuard,
  ],
  exports: [ClientRegistry, ClientAuthenticator, ClientAuthGuard],
})
export class ClientsModule {}
