import { Module } from '@nestjs/common';
import { AuthorizeModule } from '../authorize/authorize.module.js';
import { ClientsModule } from '../clients/clients.module.js';
import { DpopModule } from '../dpop/dpop.module.js';
import { PushedAuthorizationRequestController } from './par.controller.js';
import { PushedRequestsModule } from './pushed-requests.module.js';

/** `POST /api/oauth2/par` (RFC 9126): the second entry of the authorization pipeline. */
@Module({
  imports: [ClientsModule, AuthorizeModule, DpopModule, PushedRequestsModule],
  controllers: [PushedAuthorizationRequestController],
})
export class ParModule {}
