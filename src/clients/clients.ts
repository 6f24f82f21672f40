import { Injectable } from '@nestjs/common';
import { LiveConfiguration } from '../live-config/live-configuration.js';
import { Client } from './client.js';
import { ClientRegistry } from './client-registry.js';

/**
 * The clients slice: the registered clients of the configuration in force (a reload replaces
 * them; a removed client is unknown from the next lookup on).
 */
@Injectable()
export class Clients {
  private readonly registry: () => ClientRegistry;

  constructor(live: LiveConfiguration) {
    this.registry = live.select((s) => s.clients);
  }

  find(clientId: string): Client | undefined {
    return this.registry().find(clientId);
  }

  get all(): readonly Client[] {
    return this.registry().all;
  }
}
