import { Controller, Get, HttpCode, Inject, Post, Req } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { FormBody } from '../../common/form-body.js';
import { OAuthError } from '../../common/oauth-error.js';
import { AccessTokenVerifier } from '../../token/access-token-verifier.js';
import { USER_DIRECTORY } from '../../users/user-directory.js';
import type { UserDirectory } from '../../users/user-directory.js';
import { claimsForScopes } from '../../users/claims-by-scope.js';
import { NoStore } from '../../common/no-store.interceptor.js';

const REALM = 'sympauthy';

/**
 * `GET`/`POST /api/openid/userinfo` (OIDC Core §5.3): a bearer access token with `openid`
 * returns `sub` and the claims of the granted scopes. The token comes in the Authorization
 * header (or, for POST, the form body, RFC 6750 §2.2) — never in the query string.
 */
@Controller('api/openid')
@NoStore()
export class UserInfoController {
  constructor(
    private readonly accessTokens: AccessTokenVerifier,
    @Inject(USER_DIRECTORY) private readonly users: UserDirectory,
  ) {}

  @Get('userinfo')
  async get(@Req() request: FastifyRequest): Promise<Record<string, unknown>> {
    return this.userinfo(request);
  }

  @Post('userinfo')
  @HttpCode(200)
  async post(@Req() request: FastifyRequest): Promise<Record<string, unknown>> {
    return this.userinfo(request);
  }

  private async userinfo(request: FastifyRequest): Promise<Record<string, unknown>> {
    const token = bearerToken(request);
    const claims = await this.accessTokens.verifyActive(token);
    if (!claims) throw invalidToken('the access token is invalid, expired or revoked');
    const scopes = claims.scope.split(' ');
    if (!scopes.includes('openid')) throw insufficientScope('the access token was not granted the openid scope');
    // A client-credentials token names the client as its subject (SPEC §2 Tokens): valid, but
    // about no end-user. Client ids never equal usernames (SPEC §1), so this cannot hide a user.
    if (claims.sub === claims.client_id) throw insufficientScope('the access token was issued to a client, not for an end-user');
    const user = await this.users.findById(claims.sub);
    if (!user) throw invalidToken('the user no longer exists');
    return { ...claimsForScopes(user.claims, scopes), sub: user.id };
  }
}

function bearerToken(request: FastifyRequest): string {
  if (request.url.includes('access_token=')) {
    throw OAuthError.invalidRequest('bearer tokens are not accepted in the query string (RFC 9700 section 2.4.1)');
  }
  const header = request.headers.authorization;
  const body = request.body instanceof FormBody ? request.body : undefined;
  if (body?.problem) throw OAuthError.invalidRequest(body.problem);
  const fromBody = body?.get('access_token');
  if (header !== undefined) {
    const match = /^Bearer ([A-Za-z0-9\-._~+/]+=*)$/i.exec(header);
    if (!match) throw invalidToken('the Authorization header must be "Bearer <access token>"');
    if (fromBody !== undefined) throw OAuthError.invalidRequest('send the access token once: header or body, not both');
    return match[1];
  }
  if (fromBody) return fromBody;
  throw new OAuthError('invalid_request', 'an access token is required', 401, { 'WWW-Authenticate': `Bearer realm="${REALM}"` });
}

function insufficientScope(description: string): OAuthError {
  return new OAuthError('insufficient_scope', description, 403,
    { 'WWW-Authenticate': `Bearer realm="${REALM}", error="insufficient_scope", scope="openid"` });
}

function invalidToken(description: string): OAuthError {
  return new OAuthError('invalid_token', description, 401, { 'WWW-Authenticate': `Bearer realm="${REALM}", error="invalid_token"` });
}
