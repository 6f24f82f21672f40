import { Module } from '@nestjs/common';
import { BcryptLimiter } from '../common/bcrypt-limiter.js';
import { ClientAuthGuard } from './client-auth.guard.js';
import { ClientAuthenticator } from './client-authenticator.js';
import { Clients } from './clients.js';
import { SecretVerifier } from './secret-verifier.js';

/** The registered clients (the clients slice of the configuration) and their authentication (SPEC §1). */
@Module({
  providers: [
    Clients,
    { provide: SecretVerifier, useFactory: (limiter: BcryptLimiter) => new SecretVerifier(limiter), inject: [BcryptLimiter] },
    ClientAuthenticator,
    ClientAuthGuard,
  ],
  exports: [Clients, ClientAuthenticator, ClientAuthGuard],
})
export class ClientsModule {}
