import { Module } from '@nestjs/common';
import { JwksController } from './jwks.controller.js';
import { TokenSigner } from './token-signer.js';

/** Signing keys (loaded and validated with the configuration), JWT signing and the JWKS. */
@Module({
  controllers: [JwksController],
  providers: [TokenSigner],
  exports: [TokenSigner],
})
export class KeysModule {}
