import { Module } from '@nestjs/common';
import { TokenModule } from '../../token/token.module.js';
import { UserInfoController } from './userinfo.controller.js';

/** `/api/openid/userinfo`. */
@Module({ imports: [TokenModule], controllers: [UserInfoController] })
export class UserInfoModule {}
