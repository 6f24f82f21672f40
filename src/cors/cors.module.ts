import { Module } from '@nestjs/common';
import { KeysModule } from '../keys/keys.module.js';
import { CorsPolicy } from './cors-policy.js';

/**
 * Cross-origin access for browser applications: which origins may read which endpoint's answers
 * (derived from the clients of the live configuration). `createApp` registers the hooks
 * ({@link registerCors}) with this module's {@link CorsPolicy}.
 */
@Module({
  imports: [KeysModule],
  providers: [CorsPolicy],
  exports: [CorsPolicy],
})
export class CorsModule {}
