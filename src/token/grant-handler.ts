import { DiscoveryService } from '@nestjs/core';
import { AuthenticatedClient } from '../clients/client-authenticator.js';
import { Client } from '../clients/client.js';
import { FormBody } from '../common/form-body.js';

/** The JSON body of a successful token response (RFC 6749 §5.1, OIDC Core §3.1.3.3). */
export interface TokenResponse {
  access_token: string;
  token_type: 'Bearer';
  expires_in: number;
  scope?: string;
  refresh_token?: string;
  id_token?: string;
  [extension: string]: unknown;
}

export interface GrantRequest {
  /** The client, already authenticated by the token endpoint. */
  authenticated: AuthenticatedClient;
  /** The parsed form parameters (no repeats, valid UTF-8). */
  params: FormBody;
}

/**
 * One grant type of the token endpoint. The controller never switches on `grant_type`: it
 * authenticates the client and hands the request to the handler registered for that type. A team
 * adds a grant by adding a Nest module with a provider decorated with {@link TokenGrant}.
 */
export interface GrantHandler {
  /** May this client use this grant? `false` answers `unauthorized_client`. */
  isAllowedFor(client: Client): boolean;
  handle(request: GrantRequest): Promise<TokenResponse>;
}

/**
 * Registers a provider as the handler of a `grant_type` (an absolute URI for extension grants,
 * RFC 6749 §4.5). The token module discovers every such provider in the application.
 */
export const TokenGrant = DiscoveryService.createDecorator<string>();
