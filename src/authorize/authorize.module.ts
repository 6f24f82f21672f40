import { Module } from '@nestjs/common';
import { ClientsModule } from '../clients/clients.module.js';
import { ScopesModule } from '../scopes/scopes.module.js';
import { AuthorizationCodeIssuer } from './authorization-code-issuer.js';
import { AuthorizeController } from './authorize.controller.js';
import { ClientAndRedirectUriGuard } from './checks/client-and-redirect-uri.guard.js';
import { PkceGuard } from './checks/pkce.guard.js';
import { ResponseTypeGuard } from './checks/request-shape.guard.js';
import { ScopeGuard } from './checks/scope.guard.js';
import { StateGuard } from './checks/state.guard.js';
import { SignInPage } from './sign-in/sign-in-page.js';
import { SignInThrottle } from './sign-in/sign-in-throttle.js';
import { SignInController } from './sign-in/sign-in.controller.js';

/**
 * The authorization endpoint and the sign-in form. Needs the store and the user directory,
 * which are bound globally by StoreModule and UsersModule (replaceable by extension modules).
 */
@Module({
  imports: [ClientsModule, ScopesModule],
  controllers: [AuthorizeController, SignInController],
  providers: [
    ClientAndRedirectUriGuard, ResponseTypeGuard, PkceGuard, StateGuard, ScopeGuard,
    AuthorizationCodeIssuer, SignInPage, SignInThrottle,
  ],
})
export class AuthorizeModule {}
