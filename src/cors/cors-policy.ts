import { Injectable } from '@nestjs/common';
import { Client } from '../clients/client.js';
import { isBasicAuthorization, parseBasic } from '../clients/client-authenticator.js';
import { FormBody } from '../common/form-body.js';
import { TokenSigner } from '../keys/token-signer.js';
import { ServerSettings } from '../live-config/configuration-snapshot.js';
import { LiveConfiguration } from '../live-config/live-configuration.js';
import { loopbackOriginWithoutPort, originOf } from './origins.js';

/**
 * The origins whose pages may read one client's answers: the origin of each http(s) redirect URI
 * it registered (a loopback one with any port, like the redirect URI itself) and its
 * `allowed-origins` (exactly as written).
 */
export class ClientOrigins {
  private readonly exact = new Set<string>();
  private readonly loopbackAnyPort = new Set<string>();

  constructor(client: Pick<Client, 'redirectUris' | 'allowedOrigins'>) {
    for (const uri of client.redirectUris) {
      const origin = originOf(uri);
      if (origin === undefined) continue;
      const loopback = loopbackOriginWithoutPort(origin);
      if (loopback !== undefined) this.loopbackAnyPort.add(loopback);
      else this.exact.add(origin);
    }
    for (const origin of client.allowedOrigins) this.exact.add(origin);
  }

  allows(origin: string): boolean {
    if (this.exact.has(origin)) return true;
    const loopback = loopbackOriginWithoutPort(origin);
    return loopback !== undefined && this.loopbackAnyPort.has(loopback);
  }
}

/** The origins of every registered client, looked up by client id. */
export class OriginIndex {
  private readonly byClient = new Map<string, ClientOrigins>();

  constructor(clients: readonly Pick<Client, 'id' | 'redirectUris' | 'allowedOrigins'>[]) {
    for (const client of clients) this.byClient.set(client.id, new ClientOrigins(client));
  }

  /** Some client allows `origin`: a preflight may succeed (the request itself is checked again). */
  isAllowedForSomeClient(origin: string): boolean {
    for (const origins of this.byClient.values()) if (origins.allows(origin)) return true;
    return false;
  }

  /**
   * What to do with a request from `origin` naming `clientId`: answer it readable by that
   * origin (`allow`), refuse it before any handler runs (`refuse`: a registered client that does
   * not allow the origin), or leave it to the endpoint, unreadable cross-origin (`ignore`: no
   * client, or an unknown one — the endpoint answers `invalid_client` or `invalid_token`).
   */
  decide(clientId: string | undefined, origin: string): 'allow' | 'refuse' | 'ignore' {
    const origins = clientId === undefined ? undefined : this.byClient.get(clientId);
    if (!origins) return 'ignore';
    return origins.allows(origin) ? 'allow' : 'refuse';
  }
}

/**
 * Which browser origins may call the client endpoints (token, revocation, introspection,
 * UserInfo) cross-origin. The answer depends on the client named in the request; a preflight
 * names none, so it is answered for an origin that some client allows (see `docs/cors.md`).
 * Derived from the clients of the configuration in force: a reload takes effect at once.
 */
@Injectable()
export class CorsPolicy {
  private readonly index: () => OriginIndex;

  constructor(
    live: LiveConfiguration,
    private readonly signer: TokenSigner,
    private readonly server: ServerSettings,
  ) {
    this.index = live.select((snapshot) => new OriginIndex(snapshot.clients.all));
  }

  isAllowedForSomeClient(origin: string): boolean {
    return this.index().isAllowedForSomeClient(origin);
  }

  decide(clientId: string | undefined, origin: string): 'allow' | 'refuse' | 'ignore' {
    return this.index().decide(clientId, origin);
  }

  /** The client a token, revocation or introspection request names: HTTP Basic first, then `client_id`. */
  clientOfClientRequest(authorization: string | undefined, body: unknown): string | undefined {
    if (isBasicAuthorization(authorization)) {
      const basic = parseBasic(authorization);
      return 'clientId' in basic ? basic.clientId : undefined;
    }
    return body instanceof FormBody && !body.problem ? body.get('client_id') : undefined;
  }

  /**
   * The client a UserInfo request's access token (Bearer or DPoP scheme) was issued to. The signature and issuer are
   * checked, the expiry and revocation are not: the page of that client must be able to read
   * the `invalid_token` answer to know it should refresh.
   */
  clientOfBearerRequest(authorization: string | undefined, body: unknown): string | undefined {
    const fromHeader = authorization === undefined ? undefined : /^(?:Bearer|DPoP) +(\S{1,8192})$/i.exec(authorization)?.[1];
    const token = fromHeader ?? (body instanceof FormBody && !body.problem ? body.get('access_token') : undefined);
    if (token === undefined || token.length > 8192) return undefined;
    const claims = this.signer.verify(token, 'access-token', 'at+jwt', Number.NEGATIVE_INFINITY);
    return claims && claims.iss === this.server.issuer && typeof claims.client_id === 'string' ? claims.client_id : undefined;
  }
}
