import { Controller, Get, Header } from '@nestjs/common';
import { DiscoveryDocument } from './discovery-document.js';

@Controller('.well-known')
export class DiscoveryController {
  constructor(private readonly document: DiscoveryDocument) {}

  @Get('openid-configuration')
  @Header('content-type', 'application/json; charset=utf-8')
  @Header('cache-control', 'public, max-age=3600')
  openidConfiguration(): string {
    return this.document.openidConfiguration;
  }

  @Get('oauth-authorization-server')
  @Header('content-type', 'application/json; charset=utf-8')
  @Header('cache-control', 'public, max-age=3600')
  authorizationServerMetadata(): string {
    return this.document.authorizationServerMetadata;
  }
}
