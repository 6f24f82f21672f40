// Risk: anonymous requests fill the server's memory (SPEC §2; "every resource an anonymous client
// can make the server hold has a bound"). Each unauthenticated GET /authorize used to keep a pending
// request for 10 minutes with an unbounded nonce: 50,000 requests with a 13,000-character nonce
// took the process from 110 to 890 MiB, and at the store's cap every legitimate user got 503.
// Now the accepted request is sealed into the sign-in form and nothing is kept; nonce, state and
// the whole query are bounded.
import autocannon from 'autocannon';
import { signInOverHttp, pkcePair } from '../support/browser-flow.js';
import { ServerProcess } from '../support/node-process.js';
import { baseConfig, writeConfig } from '../support/test-app.js';

const REQUESTS = 50_000;
/** What 50,000 anonymous requests may add to the resident set (GC and allocator noise included). */
const RSS_BOUND_MIB = 64;

async function rssMiB(root: string): Promise<number> {
  const metrics = await (await fetch(`${root}/metrics`)).text();
  return Number(/^process_resident_memory_bytes (\d+)/m.exec(metrics)![1]) / 2 ** 20;
}

describe('security: anonymous authorization requests hold no memory', () => {
  // The server in its own process (its own event loop and core, its own resident set).
  let t: ServerProcess & { root: string };
  beforeAll(async () => {
    const server = await ServerProcess.start({
      SYMPAUTHY_CONFIG: writeConfig(baseConfig({ clients: { spa: { public: true, 'allowed-redirect-uris': ['http://127.0.0.1/callback'] } } })),
      LOG_LEVEL: 'warn', SHUTDOWN_DRAIN_DELAY: '0s',
    }, 30_000);
    t = Object.assign(server, { root: server.url });
  }, 60_000);
  afterAll(async () => t.stop());

  function authorizeUrl(nonce: string): string {
    const query = new URLSearchParams({
      response_type: 'code', client_id: 'spa', redirect_uri: 'http://127.0.0.1/callback', state: 's'.repeat(2048), nonce,
      code_challenge: pkcePair().challenge, code_challenge_method: 'S256', scope: 'openid',
    });
    return `${t.root}/api/oauth2/authorize?${query}`;
  }

  it(`keeps RSS within ${RSS_BOUND_MIB} MiB over ${REQUESTS} requests with the longest nonce and state, and a real sign-in works during and after`, async () => {
    const before = await rssMiB(t.root);
    const maxNonce = authorizeUrl('n'.repeat(512)); // accepted: a sign-in form each
    const hugeNonce = authorizeUrl('n'.repeat(13_000)); // refused: an error redirect each
    const load = autocannon({
      url: t.root,
      connections: 32,
      amount: REQUESTS,
      requests: [{ path: new URL(maxNonce).pathname + new URL(maxNonce).search }, { path: new URL(hugeNonce).pathname + new URL(hugeNonce).search }],
    });
    const during = signInOverHttp(new URL(authorizeUrl('during')), 'alice', 'alice-password');
    const result = await load;
    const code = (await during).searchParams.get('code');
    expect(code).toMatch(/^[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}$/);

    expect(result.errors).toBe(0);
    expect(result.non2xx).toBeGreaterThanOrEqual(REQUESTS / 2 - 64); // the refused half (302 to the client)
    expect(result['2xx']).toBeGreaterThanOrEqual(REQUESTS / 2 - 64);
    const after = await rssMiB(t.root);
    expect(after - before).toBeLessThan(RSS_BOUND_MIB);

    const later = await signInOverHttp(new URL(authorizeUrl('after')), 'alice', 'alice-password');
    expect(later.searchParams.get('code')).toMatch(/^[A-Za-z0-9_-]{22}\.[A-Za-z0-9_-]{43}$/);
  }, 240_000);
});
