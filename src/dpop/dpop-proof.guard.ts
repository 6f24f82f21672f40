import { CanActivate, ExecutionContext, Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ClientAuthenticatedRequest } from '../clients/client-auth.guard.js';
import { OAuthError } from '../common/oauth-error.js';
import { ServerSettings } from '../live-config/configuration-snapshot.js';
import { DpopNonces } from './dpop-nonces.js';
import { DpopPolicy } from './dpop-policy.js';
import { DpopProofError, DpopProofVerifier, VerifiedDpopProof } from './dpop-proof-verifier.js';
import { routeUrl } from '../common/route-url.js';

/** A request whose DPoP proof, if it sent one, passed every check. */
export type DpopRequest = FastifyRequest & ClientAuthenticatedRequest & { dpop?: VerifiedDpopProof };

/** A refused proof as the JSON endpoints answer it (RFC 9449 §5, §8): 400, with the nonce to use. */
export function dpopOAuthError(error: DpopProofError): OAuthError {
  return new OAuthError(error.error, error.description, 400, error.nonce === undefined ? {} : { 'DPoP-Nonce': error.nonce });
}

/**
 * Checks the DPoP proof of a request to an authorization server endpoint (the pushed
 * authorization request endpoint; {@link DpopTokenRequestGuard} for the token endpoint) and puts
 * it on the request as `dpop`. No `DPoP` header: no parsing, no crypto, no store — the default
 * path pays for one header lookup (and, at the token endpoint, one look at the client's
 * requirement). A proof must name this endpoint's public URL (`urls.root` + the route)
 * and the request's method; a refused one is `invalid_dpop_proof` (or `use_dpop_nonce`), 400.
 * With `token.dpop-nonce`, every answer to a DPoP request carries a fresh `DPoP-Nonce`.
 */
@Injectable()
export class DpopProofGuard implements CanActivate {
  constructor(
    private readonly verifier: DpopProofVerifier,
    protected readonly policy: DpopPolicy,
    private readonly nonces: DpopNonces,
    private readonly server: ServerSettings,
  ) {}

  /** Synchronous without a proof: the default path does not even create a promise. */
  canActivate(context: ExecutionContext): boolean | Promise<boolean> {
    const request = context.switchToHttp().getRequest<DpopRequest>();
    const header = request.headers.dpop;
    if (header === undefined) {
      if (this.isRequired(request)) throw new OAuthError('invalid_dpop_proof', 'this client must send a DPoP proof (DPoP header) with its token requests');
      return true;
    }
    if (this.policy.noncesRequired) void context.switchToHttp().getResponse<FastifyReply>().header('DPoP-Nonce', this.nonces.current());
    return this.verify(request, header);
  }

  private async verify(request: DpopRequest, header: string | string[]): Promise<boolean> {
    try {
      request.dpop = await this.verifier.verify({ header, method: request.method, url: this.server.issuer + routeUrl(request) });
    } catch (e) {
      throw e instanceof DpopProofError ? dpopOAuthError(e) : e;
    }
    return true;
  }

  /** Must this request carry a proof? Not at this endpoint. */
  protected isRequired(_request: DpopRequest): boolean {
    return false;
  }
}

/**
 * {@link DpopProofGuard} at the token endpoint, after client authentication: a client with
 * `dpop-bound-access-tokens` (or every client, with `token.dpop-required`) must send a proof.
 */
@Injectable()
export class DpopTokenRequestGuard extends DpopProofGuard {
  protected override isRequired(request: DpopRequest): boolean {
    const client = request.authenticatedClient?.client;
    return client !== undefined && this.policy.requiresProof(client);
  }
}
