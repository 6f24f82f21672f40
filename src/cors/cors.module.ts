import { Module } from '@nestjs/common';
import { ClientsModule } from '../clients/clients.module.js';
import { KeysModule } from '../keys/keys.module.js';
import { CorsPolicy } from './cors-policy.js';

/**
 * Cross-origin access for browser applications: which origins may read which endpoint's answers.
 * `createApp` registers the hooks ({@link registerCors}) with this module's {@link CorsPolicy}.
 */
@Module({
  imports: [ClientsModule, KeysModule],
  providers: [CorsPolicy],
  exports: [CorsPolicy],
})
export class CorsModule {}
