import { DiscoveryService } from '@nestjs/core';
import type { DynamicModule, Provider, Type } from '@nestjs/common';
import { AuthenticatedClient } from '../clients/client-authenticator.js';
import { Client } from '../clients/client.js';
import { FormBody } from '../common/form-body.js';

/** The JSON body of a successful token response (RFC 6749 §5.1, OIDC Core §3.1.3.3). */
export interface TokenResponse {
  access_token: string;
  token_type: 'Bearer' | 'DPoP';
  expires_in: number;
  scope?: string;
  refresh_token?: string;
  id_token?: string;
  [extension: string]: unknown;
}

export interface GrantRequest {
  /** The client, already authenticated by the token endpoint (or by the handler's own `authenticateClient`). */
  authenticated: AuthenticatedClient;
  /** The parsed form parameters (no repeats, valid UTF-8; the `requiredParameters` are present). */
  params: FormBody;
  /**
   * The request's DPoP proof (RFC 9449), already verified: the access token issued must be bound
   * to its key (`cnf.jkt`, `token_type: DPoP`). Absent when the request carried none.
   */
  dpop?: DpopBinding;
}

/** The key a verified DPoP proof was signed with: its RFC 7638 thumbprint. */
export interface DpopBinding {
  jkt: string;
}

/** What a grant handler that authenticates its clients itself receives. */
export interface ClientAuthenticationRequest {
  /** The `Authorization` header, as sent. */
  authorization: string | undefined;
  params: FormBody;
}

/**
 * One grant type of the token endpoint. The controller never switches on `grant_type`: it
 * authenticates the client and hands the request to the handler registered for that type. A team
 * adds a grant by adding a Nest module with a provider decorated with {@link TokenGrant}; an
 * operator then allows it per client in `allowed-grant-types` (checked at startup against the
 * loaded modules).
 */
export interface GrantHandler {
  /**
   * May this client use this grant? `false` answers `unauthorized_client`. Asked only of clients
   * whose `allowed-grant-types` list the grant type: the token endpoint checks that itself, so a
   * handler can narrow it (confidential clients only, say) but never widen it.
   */
  isAllowedFor(client: Client): boolean;
  handle(request: GrantRequest): Promise<TokenResponse>;
  /**
   * Parameters the grant cannot work without, in the order they are checked: once the client is
   * authenticated and allowed the grant, the token endpoint answers `invalid_request` ("<name> is
   * required") for the first one missing or empty, and `handle` runs only with all of them.
   */
  readonly requiredParameters?: readonly string[];
  /**
   * For a grant whose request proves who the client is (an assertion, RFC 7521 §4.2: Fosite's
   * `CanSkipClientAuth`): replaces the token endpoint's client authentication for this grant. It
   * must throw an `OAuthError` (`invalid_client`) when the request does not authenticate a
   * registered client. The token endpoint then takes the client of the configuration in force by
   * the returned id (`invalid_client` if there is none), never the returned object itself.
   * Absent: clients authenticate as at every other endpoint.
   */
  authenticateClient?(request: ClientAuthenticationRequest): Promise<AuthenticatedClient>;
}

/**
 * Registers a provider as the handler of a `grant_type` (an absolute URI for extension grants,
 * RFC 6749 §4.5). The token module discovers every such provider in the application.
 */
export const TokenGrant = DiscoveryService.createDecorator<string>();

type ModuleLike = Type<unknown> | DynamicModule | Promise<DynamicModule> | { forwardRef: () => unknown } | undefined;

/**
 * The grant types that these modules (and the modules they import) register with class
 * providers decorated with {@link TokenGrant}, read from their metadata before the application
 * is built: the configuration is validated against them. (A handler provided by a factory is
 * found only once the application runs; the token endpoint then refuses to start if a client
 * allows a grant type no handler serves.)
 */
export function declaredGrantTypes(modules: readonly ModuleLike[]): string[] {
  const seen = new Set<unknown>();
  const types = new Set<string>();
  const visit = (module: ModuleLike): void => {
    if (!module || seen.has(module) || module instanceof Promise || 'forwardRef' in module) return;
    seen.add(module);
    const cls = typeof module === 'function' ? module : module.module;
    const dynamic = typeof module === 'function' ? undefined : module;
    const providers: Provider[] = [...(Reflect.getMetadata('providers', cls) ?? []), ...(dynamic?.providers ?? [])];
    for (const provider of providers) {
      const target = typeof provider === 'function' ? provider
        : 'useClass' in provider ? provider.useClass
          : 'useValue' in provider && provider.useValue !== null && typeof provider.useValue === 'object' ? provider.useValue.constructor
            : undefined;
      const type: unknown = target && Reflect.getMetadata(TokenGrant.KEY, target);
      if (typeof type === 'string') types.add(type);
    }
    for (const imported of [...(Reflect.getMetadata('imports', cls) ?? []), ...(dynamic?.imports ?? [])] as ModuleLike[]) visit(imported);
  };
  modules.forEach(visit);
  return [...types];
}
