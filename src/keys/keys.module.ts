import { Module } from '@nestjs/common';
import { ActiveKeys } from './active-keys.js';
import { JwksController } from './jwks.controller.js';
import { TokenSigner } from './token-signer.js';

/** Signing keys (the keys slice of the configuration), JWT signing and verifying, and the JWKS. */
@Module({
  controllers: [JwksController],
  providers: [ActiveKeys, TokenSigner],
  exports: [ActiveKeys, TokenSigner],
})
export class KeysModule {}
