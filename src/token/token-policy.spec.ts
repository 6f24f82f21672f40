import type { ConfigurationSnapshot } from '../live-config/configuration-snapshot.js';
import { LiveConfiguration } from '../live-config/live-configuration.js';
import { TokenPolicy } from './token-policy.js';

const MINUTE = 60_000;

/** A snapshot with only what TokenPolicy and LiveConfiguration.replace read. */
function snapshot(accessTokenMs: number): ConfigurationSnapshot {
  return {
    server: { issuer: 'https://issuer.test' },
    store: { type: 'memory' },
    tokens: { accessTokenMs, refreshTokenMs: 30 * 24 * 60 * MINUTE, refreshTokenReuseGraceMs: 0, authorizationCodeMs: MINUTE },
  } as unknown as ConfigurationSnapshot;
}

describe('TokenPolicy across reloads', () => {
  it('remembers a revocation for as long as the longest-lived access token this process may have issued', () => {
    const live = new LiveConfiguration(snapshot(60 * MINUTE));
    const policy = new TokenPolicy(live);
    expect(policy.revocationTtlMs).toBe(61 * MINUTE);

    // Tokens issued a moment ago live an hour: a reload to 5 minutes must not let a revocation
    // made now lapse after 6 minutes and revive them.
    live.replace(snapshot(5 * MINUTE));
    expect(policy.accessTokenTtlMs).toBe(5 * MINUTE);
    expect(policy.revocationTtlMs).toBe(61 * MINUTE);
    expect(policy.spentCodeTtlMs).toBe(61 * MINUTE);

    live.replace(snapshot(90 * MINUTE));
    expect(policy.revocationTtlMs).toBe(91 * MINUTE);
  });
});

describe('TokenPolicy: refresh-token families', () => {
  const DAY = 24 * 60 * MINUTE;
  const family = (rotatedAt: number) => ({ rotatedAt }) as unknown as Parameters<TokenPolicy['isExpiredRefreshFamily']>[0];

  it('ends a family once the lifespan in force has passed since its last rotation, shortened by a reload or not', () => {
    const live = new LiveConfiguration(snapshot(60 * MINUTE));
    const policy = new TokenPolicy(live);
    const now = 100 * DAY;
    expect(policy.isExpiredRefreshFamily(family(now - 29 * DAY), now)).toBe(false);
    expect(policy.isExpiredRefreshFamily(family(now - 30 * DAY), now)).toBe(true);

    live.replace({ ...snapshot(60 * MINUTE), tokens: { ...snapshot(60 * MINUTE).tokens, refreshTokenMs: 7 * DAY } } as ConfigurationSnapshot);
    expect(policy.isExpiredRefreshFamily(family(now - 8 * DAY), now)).toBe(true);
    expect(policy.isExpiredRefreshFamily(family(now - 6 * DAY), now)).toBe(false);
  });
});
