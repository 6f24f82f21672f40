import { Controller, Get, HttpCode, Inject, Post, Req, Res } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { ENDPOINT_PATHS } from '../../common/endpoint-paths.js';
import { FormBody } from '../../common/form-body.js';
import { OAuthError } from '../../common/oauth-error.js';
import { DPOP_SIGNING_ALGORITHMS } from '../../dpop/dpop-algorithms.js';
import { DpopNonces } from '../../dpop/dpop-nonces.js';
import { DpopPolicy } from '../../dpop/dpop-policy.js';
import { DpopProofError, DpopProofVerifier } from '../../dpop/dpop-proof-verifier.js';
import { ServerSettings } from '../../live-config/configuration-snapshot.js';
import { AccessTokenClaims, AccessTokenVerifier } from '../../token/access-token-verifier.js';
import { USER_DIRECTORY } from '../../users/user-directory.js';
import type { UserDirectory } from '../../users/user-directory.js';
import { claimsForScopes } from '../../users/claims-by-scope.js';
import { NoStore } from '../../common/no-store.js';

const REALM = 'sympauthy';
/** The DPoP challenge's `algs` (RFC 9449 §7.1). */
const DPOP_ALGS = `algs="${DPOP_SIGNING_ALGORITHMS.join(' ')}"`;

type Scheme = 'Bearer' | 'DPoP';

/**
 * `GET`/`POST /api/openid/userinfo` (OIDC Core §5.3): an access token with `openid` returns
 * `sub` and the claims of the granted scopes. The token comes in the Authorization header (or,
 * for POST, the form body, RFC 6750 §2.2) — never in the query string.
 *
 * DPoP (RFC 9449 §7): a DPoP-bound token (`cnf.jkt`) is accepted only as `Authorization: DPoP
 * <token>` with a proof by the bound key naming this request (`htm`, `htu`) and the token
 * (`ath`); presented as a Bearer token it is refused (`invalid_token`), and so is an unbound
 * token presented with the DPoP scheme. A refused proof is `401` with `WWW-Authenticate: DPoP
 * error="invalid_dpop_proof"` (or `use_dpop_nonce` and a `DPoP-Nonce` header). With
 * `token.dpop-nonce`, every answer to a DPoP-scheme request carries a fresh `DPoP-Nonce`, as at
 * the token endpoint, so a client keeps a current nonce without another round trip.
 */
@Controller('api/openid')
export class UserInfoController {
  constructor(
    private readonly accessTokens: AccessTokenVerifier,
    private readonly dpop: DpopProofVerifier,
    private readonly dpopPolicy: DpopPolicy,
    private readonly nonces: DpopNonces,
    private readonly server: ServerSettings,
    @Inject(USER_DIRECTORY) private readonly users: UserDirectory,
  ) {}

  @Get('userinfo')
  @NoStore()
  async get(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<Record<string, unknown>> {
    return this.userinfo(request, reply);
  }

  @Post('userinfo')
  @NoStore()
  @HttpCode(200)
  async post(@Req() request: FastifyRequest, @Res({ passthrough: true }) reply: FastifyReply): Promise<Record<string, unknown>> {
    return this.userinfo(request, reply);
  }

  private async userinfo(request: FastifyRequest, reply: FastifyReply): Promise<Record<string, unknown>> {
    const { token, scheme } = presentedToken(request);
    if (scheme === 'DPoP' && this.dpopPolicy.noncesRequired) void reply.header('DPoP-Nonce', this.nonces.current());
    const claims = await this.accessTokens.verifyActive(token);
    if (!claims) throw invalidToken(scheme, 'the access token is invalid, expired or revoked');
    await this.checkSenderConstraint(request, token, scheme, claims);
    const scopes = claims.scope.split(' ');
    if (!scopes.includes('openid')) throw insufficientScope(scheme, 'the access token was not granted the openid scope');
    // A client-credentials token names the client as its subject (SPEC §2 Tokens): valid, but
    // about no end-user. Client ids never equal usernames (SPEC §1), so this cannot hide a user.
    if (claims.sub === claims.client_id) throw insufficientScope(scheme, 'the access token was issued to a client, not for an end-user');
    const user = await this.users.findById(claims.sub);
    if (!user) throw invalidToken(scheme, 'the user no longer exists');
    return { ...claimsForScopes(user.claims, scopes), sub: user.id };
  }

  /** RFC 9449 §7.1: a bound token with the DPoP scheme and a proof by its key; an unbound one as Bearer. */
  private async checkSenderConstraint(request: FastifyRequest, token: string, scheme: Scheme, claims: AccessTokenClaims): Promise<void> {
    if (scheme === 'Bearer') {
      if (claims.cnf) throw invalidToken('DPoP', 'the access token is DPoP-bound: present it with the DPoP authorization scheme and a DPoP proof');
      return;
    }
    if (!claims.cnf) throw invalidToken('DPoP', 'the access token is not DPoP-bound: present it as a Bearer token');
    let jkt: string;
    try {
      ({ jkt } = await this.dpop.verify({ header: request.headers.dpop, method: request.method, url: this.server.issuer + ENDPOINT_PATHS.userinfo, accessToken: token }));
    } catch (e) {
      if (e instanceof DpopProofError) throw dpopChallenge(e.error, e.description, e.nonce);
      throw e;
    }
    if (jkt !== claims.cnf.jkt) throw dpopChallenge('invalid_dpop_proof', 'the DPoP proof is not signed by the key the access token is bound to');
  }
}

function presentedToken(request: FastifyRequest): { token: string; scheme: Scheme } {
  if (request.url.includes('access_token=')) {
    throw OAuthError.invalidRequest('bearer tokens are not accepted in the query string (RFC 9700 section 2.4.1)');
  }
  const header = request.headers.authorization;
  const body = request.body instanceof FormBody ? request.body : undefined;
  if (body?.problem) throw OAuthError.invalidRequest(body.problem);
  const fromBody = body?.get('access_token');
  if (header !== undefined) {
    const match = /^(Bearer|DPoP) ([A-Za-z0-9\-._~+/]+=*)$/i.exec(header);
    if (!match) throw invalidToken('Bearer', 'the Authorization header must be "Bearer <access token>" or "DPoP <access token>"');
    if (fromBody !== undefined) throw OAuthError.invalidRequest('send the access token once: header or body, not both');
    return { token: match[2], scheme: match[1].toLowerCase() === 'dpop' ? 'DPoP' : 'Bearer' };
  }
  if (fromBody) return { token: fromBody, scheme: 'Bearer' };
  throw new OAuthError('invalid_request', 'an access token is required', 401, { 'WWW-Authenticate': `Bearer realm="${REALM}", DPoP ${DPOP_ALGS}` });
}

/** The challenge of `scheme` (RFC 6750 §3, RFC 9449 §7.1) with `error`. */
function challenge(scheme: Scheme, error: string, extra = ''): string {
  return scheme === 'Bearer' ? `Bearer realm="${REALM}", error="${error}"${extra}` : `DPoP ${DPOP_ALGS}, error="${error}"${extra}`;
}

function insufficientScope(scheme: Scheme, description: string): OAuthError {
  return new OAuthError('insufficient_scope', description, 403, { 'WWW-Authenticate': challenge(scheme, 'insufficient_scope', scheme === 'Bearer' ? ', scope="openid"' : '') });
}

function invalidToken(scheme: Scheme, description: string): OAuthError {
  return new OAuthError('invalid_token', description, 401, { 'WWW-Authenticate': challenge(scheme, 'invalid_token') });
}

/** A refused DPoP proof at a protected resource: 401 with the DPoP challenge (and the nonce to use). */
function dpopChallenge(error: DpopProofError['error'], description: string, nonce?: string): OAuthError {
  return new OAuthError(error, description, 401, {
    'WWW-Authenticate': challenge('DPoP', error, `, error_description="${description.replace(/["\\]/g, '')}"`),
    ...(nonce === undefined ? {} : { 'DPoP-Nonce': nonce }),
  });
}
