import { Injectable } from '@nestjs/common';
import { Client } from '../clients/client.js';
import { OAuthError } from '../common/oauth-error.js';
import { LiveConfiguration } from '../live-config/live-configuration.js';
import { ScopeRegistry, parseScopeParameter } from './scope-registry.js';

/** The scopes slice: the scopes and audiences of the configuration in force, and their rules. */
@Injectable()
export class Scopes {
  private readonly registry: () => ScopeRegistry;

  constructor(live: LiveConfiguration) {
    this.registry = live.select((s) => s.scopes);
  }

  /** Every configured scope id, built-in first. */
  get ids(): string[] {
    return this.registry().ids;
  }

  /** The description shown to end-users, when the configuration gives one. */
  description(scope: string): string | undefined {
    return this.registry().get(scope)?.description;
  }

  /**
   * The scopes granted for a request (SPEC §1): an absent `scope` means the client's
   * `default-scopes`; a scope that is not configured at all is `invalid_scope`; a configured scope
   * outside the client's `allowed-scopes` is silently dropped.
   */
  grant(client: Client, scopeParameter: string | undefined): string[] {
    const requested = scopeParameter === undefined ? [...client.defaultScopes] : parseScopeParameter(scopeParameter);
    const { granted, unknown } = this.registry().select(requested, client.allowedScopes);
    if (unknown.length > 0) {
      throw OAuthError.invalidScope(`unknown scope ${unknown[0].replace(/[^\x21-\x7E]/g, '?').slice(0, 60)}`);
    }
    return granted;
  }

  /** The `aud` of a token: the client's audience, plus the audiences of granted custom scopes. */
  audiences(client: Client, scopes: readonly string[]): string | string[] {
    const registry = this.registry();
    const audiences = [client.audience.tokenAudience];
    for (const scope of scopes) {
      const audience = registry.get(scope)?.audience?.tokenAudience;
      if (audience && !audiences.includes(audience)) audiences.push(audience);
    }
    return audiences.length === 1 ? audiences[0] : audiences;
  }
}
