import { Module } from '@nestjs/common';
import { ClientsModule } from '../clients/clients.module.js';
import { KeysModule } from '../keys/keys.module.js';
import { TokenModule } from '../token/token.module.js';
import { IdTokenHints } from './id-token-hints.js';
import { LogoutCsrf } from './logout/logout-csrf.js';
import { LogoutController } from './logout/logout.controller.js';
import { SessionLogout } from './logout/session-logout.js';
import { SessionPolicy } from './session-policy.js';
import { Sessions } from './sessions.js';
import { SingleSignOn } from './single-sign-on.js';

/**
 * Single sign-on sessions (SPEC §6): the session slice of the configuration, the sessions over
 * the session store port (bound globally by StoreModule), the sign-in decision used by the
 * authorization endpoint, and RP-initiated logout.
 */
@Module({
  imports: [ClientsModule, KeysModule, TokenModule],
  controllers: [LogoutController],
  providers: [SessionPolicy, Sessions, IdTokenHints, SingleSignOn, LogoutCsrf, SessionLogout],
  exports: [SessionPolicy, Sessions, SingleSignOn],
})
export class SessionModule {}
