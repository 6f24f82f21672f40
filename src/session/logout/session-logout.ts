import { Inject, Injectable } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import { REFRESH_TOKEN_STORE } from '../../store/refresh-token-store.js';
import type { RefreshTokenStore } from '../../store/refresh-token-store.js';
import { REVOCATION_STORE } from '../../store/revocation-store.js';
import type { RevocationStore } from '../../store/revocation-store.js';
import type { SessionRecord } from '../../store/session-store.js';
import { TokenPolicy } from '../../token/token-policy.js';
import { SessionPolicy } from '../session-policy.js';
import { Sessions } from '../sessions.js';

/**
 * Ends a browser's session (logout). With `session.logout-revokes-tokens`, every grant the
 * session served is revoked too: the grant (its access tokens introspect as inactive, and a code
 * of it not yet redeemed can no longer start a refresh-token family), then its family — the order
 * the code grant relies on (see `AuthorizationCodeGrant.issueTokens`).
 */
@Injectable()
export class SessionLogout {
  constructor(
    private readonly sessions: Sessions,
    private readonly policy: SessionPolicy,
    private readonly tokens: TokenPolicy,
    @Inject(REVOCATION_STORE) private readonly revocations: RevocationStore,
    @Inject(REFRESH_TOKEN_STORE) private readonly families: RefreshTokenStore,
  ) {}

  async end(request: FastifyRequest): Promise<SessionRecord | undefined> {
    const ended = await this.sessions.end(request);
    if (ended !== undefined && this.policy.logoutRevokesTokens) await this.revokeGrants(ended);
    return ended;
  }

  private async revokeGrants(session: SessionRecord): Promise<void> {
    // Long enough for a code issued just before the logout to be redeemed after it.
    const ttlMs = Math.max(this.tokens.revocationTtlMs, this.tokens.authorizationCodeTtlMs);
    await Promise.all(session.grants.map(async ({ grantId, familyId }) => {
      await this.revocations.revokeGrant(grantId, ttlMs);
      await this.families.revoke(familyId);
    }));
  }
}
