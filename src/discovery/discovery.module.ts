import { Module } from '@nestjs/common';
import { PushedRequestsModule } from '../par/pushed-requests.module.js';
import { TokenModule } from '../token/token.module.js';
import { DiscoveryController } from './discovery.controller.js';
import { DiscoveryDocument } from './discovery-document.js';

/** `/.well-known/openid-configuration` and `/.well-known/oauth-authorization-server`. */
@Module({ imports: [TokenModule, PushedRequestsModule], controllers: [DiscoveryController], providers: [DiscoveryDocument] })
export class OidcDiscoveryModule {}
