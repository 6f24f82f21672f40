import { Injectable, OnApplicationBootstrap, OnModuleInit } from '@nestjs/common';
import { DiscoveryService } from '@nestjs/core';
import type { Client } from '../clients/client.js';
import { Clients } from '../clients/clients.js';
import { ConfigurationError, keyPath } from '../config/config-errors.js';
import { GrantHandler, TokenGrant } from './grant-handler.js';

/** Every grant handler of the application, by `grant_type`, discovered once at startup. */
@Injectable()
export class GrantHandlerRegistry implements OnModuleInit, OnApplicationBootstrap {
  private readonly handlers = new Map<string, GrantHandler>();

  constructor(
    private readonly discovery: DiscoveryService,
    private readonly clients: Clients,
  ) {}

  onModuleInit(): void {
    for (const wrapper of this.discovery.getProviders({ metadataKey: TokenGrant.KEY })) {
      const grantType = this.discovery.getMetadataByDecorator(TokenGrant, wrapper);
      if (!grantType || !wrapper.instance) continue;
      if (this.handlers.has(grantType)) throw new Error(`two grant handlers registered for grant_type ${grantType}`);
      this.handlers.set(grantType, wrapper.instance as GrantHandler);
    }
  }

  /**
   * The configuration was validated against the grant types the modules declare; a handler that
   * only exists once the application runs (a factory provider) is checked here: a client allowing
   * a grant type no handler serves stops the start, naming its key path.
   */
  onApplicationBootstrap(): void {
    const problems = this.unservedGrantTypes();
    if (problems.length > 0) throw new ConfigurationError(problems);
  }

  /**
   * One message per client grant type that no loaded module handles: of the clients in force, or
   * of `clients` (those of a configuration about to be reloaded).
   */
  unservedGrantTypes(clients: readonly Client[] = this.clients.all): string[] {
    return clients.flatMap((client) => [...client.grantTypes]
      .filter((type) => !this.handlers.has(type))
      .map((type) => `${keyPath('clients', client.id, 'allowed-grant-types')}: no loaded module handles grant type ${type}`));
  }

  find(grantType: string): GrantHandler | undefined {
    return this.handlers.get(grantType);
  }

  get grantTypes(): string[] {
    return [...this.handlers.keys()];
  }
}
