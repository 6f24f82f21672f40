import { Injectable, OnModuleInit } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import { GrantHandler, TokenGrant } from './grant-handler.js';

/** Every grant handler of the application, by `grant_type`, discovered once at startup. */
@Injectable()
export class GrantHandlerRegistry implements OnModuleInit {
  private readonly handlers = new Map<string, GrantHandler>();

  constructor(private readonly discovery: DiscoveryService) {}

  onModuleInit(): void {
    for (const wrapper of this.discovery.getProviders({ metadataKey: TokenGrant.KEY })) {
      const grantType = this.discovery.getMetadataByDecorator(TokenGrant, wrapper);
      if (!grantType || !wrapper.instance) continue;
      if (this.handlers.has(grantType)) throw new Error(`two grant handlers registered for grant_type ${grantType}`);
      this.handlers.set(grantType, wrapper.instance as GrantHandler);
    }
  }

  find(grantType: string): GrantHandler | undefined {
    return this.handlers.get(grantType);
  }

  get grantTypes(): string[] {
    return [...this.handlers.keys()];
  }
}
