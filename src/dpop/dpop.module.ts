import { Module } from '@nestjs/common';
import { KeysModule } from '../keys/keys.module.js';
import { DpopNonces } from './dpop-nonces.js';
import { DpopPolicy } from './dpop-policy.js';
import { DpopProofGuard, DpopTokenRequestGuard } from './dpop-proof.guard.js';
import { DpopProofVerifier } from './dpop-proof-verifier.js';

/**
 * DPoP (RFC 9449): the proof verifier used by the token endpoint, the pushed authorization
 * request endpoint and UserInfo, its guards, the server nonces and the DPoP settings. Off by
 * default: without a `DPoP` header nothing here runs.
 */
@Module({
  imports: [KeysModule],
  providers: [DpopPolicy, DpopNonces, DpopProofVerifier, DpopProofGuard, DpopTokenRequestGuard],
  exports: [DpopPolicy, DpopNonces, DpopProofVerifier, DpopProofGuard, DpopTokenRequestGuard],
})
export class DpopModule {}
