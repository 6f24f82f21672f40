import { Module } from '@nestjs/common';
import { ClientsModule } from '../clients/clients.module.js';
import { KeysModule } from '../keys/keys.module.js';
import { PushedRequestsModule } from '../par/pushed-requests.module.js';
import { ScopesModule } from '../scopes/scopes.module.js';
import { SessionModule } from '../session/session.module.js';
import { TokenModule } from '../token/token.module.js';
import { AuthorizationCodeIssuer } from './authorization-code-issuer.js';
import { AuthorizationPipeline } from './authorization-pipeline.js';
import { AuthorizeController } from './authorize.controller.js';
import { PendingSignIns } from './sign-in/pending-sign-in.js';
import { ProxyWarning } from './sign-in/proxy-warning.js';
import { SignInPage } from './sign-in/sign-in-page.js';
import { SignInThrottle } from './sign-in/sign-in-throttle.js';
import { SignInController } from './sign-in/sign-in.controller.js';
import { SignInService } from './sign-in/sign-in.service.js';

/**
 * The authorization endpoint and the sign-in form. Needs the store ports and the user directory,
 * which are bound globally by StoreModule and UsersModule (replaceable by extension modules).
 */
@Module({
  imports: [ClientsModule, ScopesModule, KeysModule, TokenModule, SessionModule, PushedRequestsModule],
  controllers: [AuthorizeController, SignInController],
  providers: [AuthorizationPipeline, AuthorizationCodeIssuer, PendingSignIns, ProxyWarning, SignInPage, SignInThrottle, SignInService],
  exports: [AuthorizationPipeline, AuthorizationCodeIssuer],
})
export class AuthorizeModule {}
