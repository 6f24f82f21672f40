import { ConfigErrors, keyPath } from '../config/config-errors.js';
import { ParsedConfiguration } from '../config/parse-configuration.js';

export const BUILT_IN_SCOPES = ['openid', 'profile', 'email', 'address', 'phone'] as const;
export const DEFAULT_AUDIENCE = 'default';

export interface Audience {
  readonly id: string;
  /** The value placed in the `aud` claim. */
  readonly tokenAudience: string;
}

export interface Scope {
  readonly id: string;
  readonly builtIn: boolean;
  readonly description?: string;
  readonly audience?: Audience;
}

/** The outcome of filtering a requested scope list against a client (SPEC §1, scopes). */
export interface ScopeSelection {
  /** Configured and allowed for the client, in request order, without duplicates. */
  granted: string[];
  /** Not configured at all: the request is `invalid_scope`. */
  unknown: string[];
}

/** Read-only registry of the configured scopes and audiences. */
export class ScopeRegistry {
  private constructor(
    private readonly scopes: ReadonlyMap<string, Scope>,
    private readonly audiences: ReadonlyMap<string, Audience>,
  ) {}

  static build(config: Pick<ParsedConfiguration, 'scopes' | 'audiences'>, errors: ConfigErrors): ScopeRegistry {
    const audiences = new Map<string, Audience>();
    audiences.set(DEFAULT_AUDIENCE, { id: DEFAULT_AUDIENCE, tokenAudience: DEFAULT_AUDIENCE });
    for (const [id, audience] of config.audiences) {
      if (id.trim() === '') errors.add('audiences', 'an audience id must not be empty');
      audiences.set(id, Object.freeze({ id, tokenAudience: audience.tokenAudience ?? id }));
    }
    const scopes = new Map<string, Scope>();
    for (const id of BUILT_IN_SCOPES) scopes.set(id, Object.freeze({ id, builtIn: true }));
    for (const [id, scope] of config.scopes) {
      const path = keyPath('scopes', id);
      if (!/^[\x21\x23-\x5B\x5D-\x7E]+$/.test(id)) {
        errors.add(path, 'a scope id must be non-empty printable ASCII without spaces, quotes or backslashes (RFC 6749 §3.3)');
        continue;
      }
      if ((BUILT_IN_SCOPES as readonly string[]).includes(id)) {
        errors.add(path, 'is a built-in OpenID Connect scope and cannot be redefined');
        continue;
      }
      let audience: Audience | undefined;
      if (scope.audience !== undefined) {
        audience = audiences.get(scope.audience);
        if (!audience) errors.add(keyPath(path, 'audience'), `unknown audience ${scope.audience}`);
      }
      scopes.set(id, Object.freeze({ id, builtIn: false, description: scope.description, audience }));
    }
    return new ScopeRegistry(scopes, audiences);
  }

  has(scope: string): boolean {
    return this.scopes.has(scope);
  }

  get(scope: string): Scope | undefined {
    return this.scopes.get(scope);
  }

  audience(id: string): Audience | undefined {
    return this.audiences.get(id);
  }

  /** Every configured scope id, built-in first. */
  get ids(): string[] {
    return [...this.scopes.keys()];
  }

  /**
   * Applies the client rules: scopes not configured at all are `unknown`; configured scopes
   * outside `allowed` are silently dropped. `allowed` is the client's resolved allowed list.
   */
  select(requested: readonly string[], allowed: ReadonlySet<string>): ScopeSelection {
    const granted: string[] = [];
    const unknown: string[] = [];
    for (const scope of requested) {
      if (!this.scopes.has(scope)) unknown.push(scope);
      else if (allowed.has(scope) && !granted.includes(scope)) granted.push(scope);
    }
    return { granted, unknown };
  }
}

/** Splits a `scope` parameter (space-delimited, RFC 6749 §3.3). */
export function parseScopeParameter(scope: string | undefined): string[] {
  if (scope === undefined) return [];
  return scope.split(' ').filter((s) => s.length > 0);
}
