import { Module } from '@nestjs/common';
import { DpopModule } from '../../dpop/dpop.module.js';
import { TokenModule } from '../../token/token.module.js';
import { UserInfoController } from './userinfo.controller.js';

/** `/api/openid/userinfo`. */
@Module({ imports: [TokenModule, DpopModule], controllers: [UserInfoController] })
export class UserInfoModule {}
