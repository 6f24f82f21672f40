import { Global, Module } from '@nestjs/common';
import { BcryptLimiter } from './bcrypt-limiter.js';

/** What every module may share: the one bcrypt limiter of the process (client secrets and passwords). */
@Global()
@Module({ providers: [{ provide: BcryptLimiter, useValue: new BcryptLimiter() }], exports: [BcryptLimiter] })
export class CommonModule {}
