// What the bench measures. A scenario is a small object:
//
//   {
//     name,          // row label, also used by comparisons and BENCH_SCENARIOS
//     group,         // 'client-credentials' or 'flow': one table each, one round loop each
//     unit,          // what a row counts per second: 'tokens' or 'flows'
//     server,        // key of SERVERS: the process under load
//     runs,          // 'interleaved' (every round, in list order) or 'once' (after the rounds)
//     description,   // one line for the report
//     setup(server, fixtures) -> the options of the load: autocannon request options
//                    // ({ method, path, headers, body }) or, for a flow, what bench/flow.mjs needs
//     check(server, fixtures, options) -> throws unless one request (or one flow) yields what
//                    // we claim to measure; may return a line saying what it checked
//     measure(server, options, settings, phase) -> one load run ('server-warmup' before the first
//                    // scenario on a server, 'warmup', or 'run'); the result
//                    // has perSecond, failures, p50Ms, p99Ms and the server's CPU and memory
//   }
//
// To add a scenario, append to SCENARIOS (and to SERVERS if it needs another process).
import { createHash, createPublicKey, generateKeyPairSync, randomBytes, sign, verify } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { basic, checkFlow, discoverFlow, driveFlows } from './flow.mjs';
import { measure } from './measure.mjs';
import { benchRedisStore, deletingKeysOnStop, redisCommandsPerFlow } from './redis-commands.mjs';
import { startOurServer, startPeer } from './servers.mjs';
/** The key prefix of this bench run on the (possibly shared) Redis. */
const REDIS_KEY_PREFIX = `sympauthy-bench-${randomBytes(4).toString('hex')}:`;

/** Our server on the Redis store; stopping it deletes what it wrote there. */
function onRedis(name, fixtures, extra) {
  const store = benchRedisStore(REDIS_KEY_PREFIX);
  return deletingKeysOnStop(startOurServer(fixtures, { name, logLevel: 'warn', store, ...extra }), store.url, REDIS_KEY_PREFIX);
}

/** The processes scenarios run against, started lazily by run.mjs, stopped at the end. */
export const SERVERS = {
  ours: (fixtures, extra = {}) => startOurServer(fixtures, { name: 'ours', logLevel: 'warn', ...extra }),
  'ours-info-log': (fixtures, extra = {}) => startOurServer(fixtures, { name: 'ours-info-log', logLevel: 'info', ...extra }),
  'oidc-provider': (fixtures) => startPeer(fixtures),
  // The flow bench runs against its own processes: the state it leaves (sessions, codes,
  // refresh-token families) stays out of the client-credentials rows.
  'ours-flow': (fixtures, extra = {}) => startOurServer(fixtures, { name: 'ours-flow', logLevel: 'warn', ...extra }),
  // The same server on the Redis store (single node, BENCH_REDIS_URL, default the local 6379).
  'ours-redis-flow': (fixtures, extra = {}) => onRedis('ours-redis-flow', fixtures, extra),
  'ours-redis': (fixtures, extra = {}) => onRedis('ours-redis', fixtures, extra),
  'oidc-provider-flow': (fixtures, extra = {}) => startPeer(fixtures, { name: 'oidc-provider-flow', ...extra }),
};

const FORM = 'application/x-www-form-urlencoded';

/** One autocannon run: `connections` connections for the warm-up or the measured duration. */
function autocannonRun(server, options, settings, phase) {
  return measure(server, options, {
    connections: settings.connections,
    durationSeconds: phase === 'run' ? settings.durationSeconds : settings.warmupSeconds,
  });
}

function clientCredentialsRequest(path, client, scope) {
  return {
    method: 'POST',
    path,
    headers: { 'content-type': FORM, authorization: basic(client.id, client.secret) },
    body: new URLSearchParams({ grant_type: 'client_credentials', scope }).toString(),
  };
}

/**
 * A DPoP client as the load generator runs it (RFC 9449 §4.2): one ES256 key, and a fresh proof
 * per request — a new `jti`, `htu` the token endpoint's public URL, `iat` the time it was made.
 * The header (with the public JWK) is encoded once; a proof costs one ES256 signature here
 * ({@link proofCostMicros}, printed by the check). The generator shares the machine's cores with
 * the server, so the proofs of a run are signed just before it (`refill`, not measured): each is
 * used once and is at most a few seconds old when sent, well inside the server's 60 s window.
 * Should a run outpace its pool, the rest are signed on the fly (`signedDuringRun`).
 */
function dpopProofs(htu) {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = publicKey.export({ format: 'jwk' });
  const header = Buffer.from(JSON.stringify({ typ: 'dpop+jwt', alg: 'ES256', jwk })).toString('base64url');
  const signingKey = { key: privateKey, dsaEncoding: 'ieee-p1363' };
  const jtiPrefix = randomBytes(12).toString('base64url');
  let counter = 0;
  const proof = () => {
    const claims = `{"jti":"${jtiPrefix}${(counter++).toString(36)}","htm":"POST","htu":"${htu}","iat":${Math.floor(Date.now() / 1000)}}`;
    const input = `${header}.${Buffer.from(claims).toString('base64url')}`;
    return `${input}.${sign('sha256', Buffer.from(input), signingKey).toString('base64url')}`;
  };
  const jkt = createHash('sha256').update(JSON.stringify({ crv: jwk.crv, kty: jwk.kty, x: jwk.x, y: jwk.y })).digest('base64url');
  let pool = [];
  const proofs = {
    proof,
    jkt,
    signedDuringRun: 0,
    /** Signs `count` proofs now, for the next run (the leftovers of the last one are dropped: too old). */
    refill(count) {
      pool = Array.from({ length: count }, proof);
      proofs.signedDuringRun = 0;
    },
    next() {
      const ready = pool.pop();
      if (ready !== undefined) return ready;
      proofs.signedDuringRun++;
      return proof();
    },
  };
  return proofs;
}

/** Mean µs of CPU the load generator spends on one proof (over 2 000 proofs). */
function proofCostMicros(proof) {
  const count = 2_000;
  const before = process.cpuUsage();
  for (let i = 0; i < count; i++) proof();
  const used = process.cpuUsage(before);
  return (used.user + used.system) / count;
}

/** The client-credentials request of {@link clientCredentialsRequest} with a fresh DPoP proof on every request. */
function dpopClientCredentialsRequest(server, client, scope) {
  const base = clientCredentialsRequest('/api/oauth2/token', client, scope);
  const proofs = dpopProofs(`${server.url}/api/oauth2/token`);
  const withProof = (request) => ({ ...request, headers: { ...request.headers, dpop: proofs.next() } });
  return { ...base, requests: [{ setupRequest: withProof }], proofs };
}

/** The least rate a pool is signed for (proofs per second): a warm-up may run slower than the runs. */
const MIN_POOL_RATE = 6_000;

/** {@link autocannonRun} with the run's proofs signed first: for 1.5 × the last rate seen. */
async function dpopRun(server, options, settings, phase) {
  const { proofs } = options;
  const seconds = phase === 'run' ? settings.durationSeconds : settings.warmupSeconds;
  proofs.refill(Math.ceil(Math.max(proofs.lastRate ?? 0, MIN_POOL_RATE) * 1.5 * seconds) + 1_000);
  const result = await autocannonRun(server, options, settings, phase);
  proofs.lastRate = result.perSecond;
  return { ...result, proofsSignedDuringRun: proofs.signedDuringRun };
}

/** The peer's token endpoint, from its discovery document (not a guessed path). */
async function peerTokenPath(server) {
  const discovery = await (await fetch(`${server.url}/.well-known/openid-configuration`)).json();
  return new URL(discovery.token_endpoint).pathname;
}

/**
 * Sends the request once and checks the answer is a real access token: 200, a JWT of three
 * parts, `alg: ES256`, `typ: at+jwt`, our key id, a signature that verifies with the shared
 * key, `sub` = the client, the requested scope. Both servers must pass the same checks.
 */
async function checkClientCredentialsToken(server, fixtures, options, clientId, dpop) {
  const headers = dpop ? options.requests[0].setupRequest({ headers: options.headers }).headers : options.headers;
  const response = await fetch(server.url + options.path, { method: options.method, headers, body: options.body });
  const text = await response.text();
  const fail = (why) => { throw new Error(`${server.name} ${options.path}: ${why} (status ${response.status})`); };
  if (response.status !== 200) fail(`expected 200, got ${text.slice(0, 200)}`);
  const body = JSON.parse(text);
  if (body.token_type !== (dpop ? 'DPoP' : 'Bearer')) fail(`token_type ${body.token_type}`);
  const parts = String(body.access_token).split('.');
  if (parts.length !== 3) fail('access_token is not a JWT (3 parts)');
  const header = JSON.parse(Buffer.from(parts[0], 'base64url').toString());
  const claims = JSON.parse(Buffer.from(parts[1], 'base64url').toString());
  if (header.alg !== 'ES256') fail(`alg ${header.alg}, expected ES256`);
  if (header.typ !== 'at+jwt') fail(`typ ${header.typ}, expected at+jwt`);
  if (header.kid !== fixtures.accessTokenKid) fail(`kid ${header.kid}, expected ${fixtures.accessTokenKid}`);
  const publicKey = createPublicKey(readFileSync(fixtures.accessTokenKeyFile, 'utf8'));
  const signed = verify('sha256', Buffer.from(`${parts[0]}.${parts[1]}`), { key: publicKey, dsaEncoding: 'ieee-p1363' }, Buffer.from(parts[2], 'base64url'));
  if (!signed) fail('signature does not verify with the bench key');
  if (claims.sub !== clientId || claims.client_id !== clientId) fail(`sub ${claims.sub} / client_id ${claims.client_id}`);
  if (claims.scope !== fixtures.scope) fail(`scope ${claims.scope}`);
  if (!claims.aud || !claims.exp || !claims.jti || !claims.iss) fail('aud, exp, jti or iss missing');
  if (dpop && claims.cnf?.jkt !== dpop.jkt) fail(`cnf ${JSON.stringify(claims.cnf)}, expected the proof key's thumbprint`);
  if (!dpop && claims.cnf !== undefined) fail('cnf on a token issued without a proof');
}

/** Setup and check of every row that asks our token endpoint as the plain-secret client. */
const PLAIN_CLIENT_REQUEST = {
  setup: (_server, fixtures) => clientCredentialsRequest('/api/oauth2/token', fixtures.plainClient, fixtures.scope),
  check: (server, fixtures, options) => checkClientCredentialsToken(server, fixtures, options, fixtures.plainClient.id),
};

export const SCENARIOS = [
  {
    name: 'ours-plain',
    server: 'ours',
    runs: 'interleaved',
    group: 'client-credentials',
    unit: 'tokens',
    measure: autocannonRun,
    description: 'client credentials, plain secret, HTTP Basic, LOG_LEVEL=warn',
    ...PLAIN_CLIENT_REQUEST,
  },
  {
    name: 'ours-plain-dpop',
    server: 'ours',
    runs: 'interleaved',
    group: 'client-credentials',
    unit: 'tokens',
    measure: dpopRun,
    description: 'as ours-plain, with a fresh DPoP proof (ES256, new jti, signed before the run) on every request: DPoP-bound tokens',
    setup: (server, fixtures) => dpopClientCredentialsRequest(server, fixtures.plainClient, fixtures.scope),
    check: async (server, fixtures, options) => {
      await checkClientCredentialsToken(server, fixtures, options, fixtures.plainClient.id, options.proofs);
      const replayed = options.proofs.proof();
      const statuses = [];
      for (let i = 0; i < 2; i++) {
        const headers = { ...options.headers, dpop: replayed };
        statuses.push((await fetch(server.url + options.path, { method: options.method, headers, body: options.body })).status);
      }
      if (statuses.join() !== '200,400') throw new Error(`${server.name}: a replayed proof answered ${statuses.join(', ')}, expected 200 then 400`);
      return `DPoP-bound token, replay refused; the generator spends ${proofCostMicros(options.proofs.proof).toFixed(0)} µs CPU per proof (signed before each run)`;
    },
  },
  {
    name: 'oidc-provider',
    server: 'oidc-provider',
    runs: 'interleaved',
    group: 'client-credentials',
    unit: 'tokens',
    measure: autocannonRun,
    description: 'node-oidc-provider v9, client credentials, client_secret_basic, JWT access token ES256',
    setup: async (server, fixtures) => clientCredentialsRequest(await peerTokenPath(server), fixtures.peerClient, fixtures.scope),
    check: (server, fixtures, options) => checkClientCredentialsToken(server, fixtures, options, fixtures.peerClient.id),
  },
  {
    name: 'ours-plain-redis',
    server: 'ours-redis',
    runs: 'interleaved',
    group: 'client-credentials',
    unit: 'tokens',
    measure: autocannonRun,
    description: 'as ours-plain, on a server with the Redis store (client credentials touch no store)',
    ...PLAIN_CLIENT_REQUEST,
  },
  {
    name: 'ours-bcrypt',
    server: 'ours',
    runs: 'interleaved',
    group: 'client-credentials',
    unit: 'tokens',
    measure: autocannonRun,
    description: 'client credentials, bcrypt-hashed secret (cost 10), HTTP Basic, LOG_LEVEL=warn',
    setup: (_server, fixtures) => clientCredentialsRequest('/api/oauth2/token', fixtures.bcryptClient, fixtures.scope),
    check: (server, fixtures, options) => checkClientCredentialsToken(server, fixtures, options, fixtures.bcryptClient.id),
  },
  {
    name: 'ours-plain-info-log',
    server: 'ours-info-log',
    runs: 'once',
    group: 'client-credentials',
    unit: 'tokens',
    measure: autocannonRun,
    description: 'as ours-plain, default LOG_LEVEL=info (one JSON line per request) to /dev/null',
    ...PLAIN_CLIENT_REQUEST,
  },
  {
    name: 'ours-health-live',
    server: 'ours',
    runs: 'once',
    group: 'client-credentials',
    unit: 'tokens',
    measure: autocannonRun,
    description: 'reference, not a token: GET /health/live through the same Fastify/Nest stack (the framework ceiling)',
    setup: () => ({ method: 'GET', path: '/health/live' }),
    check: async (server, _fixtures, options) => {
      const response = await fetch(server.url + options.path);
      if (response.status !== 200) throw new Error(`${server.name} ${options.path}: status ${response.status}`);
    },
  },
];

/** Ratios of median tokens/s printed under the client-credentials table, with the goals of issue 3. */
export const COMPARISONS = [
  { name: 'ours-plain / oidc-provider', numerator: 'ours-plain', denominator: 'oidc-provider', goal: { min: 2.5 }, goalText: '≥ 2.50 (issue 10; issue 3 asked 2.00)' },
  { name: 'ours-bcrypt / ours-plain', numerator: 'ours-bcrypt', denominator: 'ours-plain', goal: { min: 0.8 }, goalText: '≥ 0.80 (within 20 %)' },
  { name: 'ours-plain-redis / ours-plain', numerator: 'ours-plain-redis', denominator: 'ours-plain', goal: { min: 0.9 }, goalText: '≥ 0.90 (issue 7: no store on this path; run-to-run noise)' },
  { name: 'ours-plain-dpop / ours-plain', numerator: 'ours-plain-dpop', denominator: 'ours-plain', goal: { min: 0.7 }, goalText: '≥ 0.70 (issue 11: one verification + one store write)' },
  { name: 'ours-plain-info-log / ours-plain', numerator: 'ours-plain-info-log', denominator: 'ours-plain', goalText: 'cost of the info request log' },
  { name: 'ours-plain / ours-health-live', numerator: 'ours-plain', denominator: 'ours-health-live', goalText: 'share of the framework ceiling' },
];

/** Per-row latency goals (issue 3: p99 under 10 ms, plain secret). */
export const LATENCY_GOALS = { 'ours-plain': { p99MaxMs: 10 } };

/** Which server of the flow bench: the SERVERS key and the row label. */
const FLOW_SERVERS = [
  { key: 'ours-flow', label: 'ours', description: 'our server, memory store' },
  {
    key: 'ours-redis-flow',
    label: 'ours-redis',
    description: 'our server, Redis store (single node)',
    // What one flow costs in Redis round trips, counted with MONITOR over a few sequential flows.
    count: async (target, flow) => {
      const counted = await redisCommandsPerFlow(target, flow, { url: benchRedisStore(REDIS_KEY_PREFIX).url, keyPrefix: REDIS_KEY_PREFIX });
      flow.redisCommandsPerFlow = counted;
      return `${counted.perFlow.toFixed(1)} Redis round trips per flow (${Object.entries(counted.byCommand).map(([c, n]) => `${c} ${n}`).join(', ')})`;
    },
  },
  { key: 'oidc-provider-flow', label: 'oidc-provider', description: 'node-oidc-provider v9 (own login interaction, no consent page)' },
];

export const flowScenarioName = (label, cost, users) => `flow-${label}-c${cost}-u${users}`;

/**
 * The authorization-code round trips of issue 4 (authorize → sign-in → code → token, a fresh
 * browser per flow; bench/flow.mjs): every server × bcrypt cost of the user's password × number
 * of concurrent virtual users, ours then the peer for each pair so that they alternate.
 */
export function flowScenarios({ users, costs }) {
  return costs.flatMap((cost) => users.flatMap((n) => FLOW_SERVERS.map((server) => ({
    name: flowScenarioName(server.label, cost, n),
    group: 'flow',
    unit: 'flows',
    server: server.key,
    serverLabel: server.label,
    users: n,
    cost,
    runs: 'interleaved',
    description: `${server.description}, ${n} user${n > 1 ? 's' : ''}, bcrypt cost ${cost}`,
    setup: (target, fixtures) => {
      const user = fixtures.flowUsers.get(cost);
      return discoverFlow(target, {
        client: fixtures.flowClient,
        redirectUri: fixtures.flowClient.redirectUri,
        scope: fixtures.flowScope,
        username: user.username,
        password: user.password,
      });
    },
    check: async (target, _fixtures, flow) => {
      const checked = await checkFlow(target, flow);
      return server.count ? `${checked}; ${await server.count(target, flow)}` : checked;
    },
    measure: async (target, flow, settings, phase) => ({
      ...await driveFlows(target, flow, {
      users: phase === 'server-warmup' ? Math.max(n, 8) : n,
      transport: settings.flowClient,
      leadInSeconds: phase === 'run' ? settings.flowLeadInSeconds : 0,
        durationSeconds: { 'server-warmup': settings.flowServerWarmupSeconds, warmup: settings.flowWarmupSeconds, run: settings.flowDurationSeconds }[phase],
      }),
      redisCommandsPerFlow: flow.redisCommandsPerFlow?.perFlow,
    }),
  }))));
}

/**
 * Ours / peer at each number of users and cost; the goal of issue 4: ≥ 2× node-oidc-provider's
 * flows/s at 8 users with cost-4 hashes. Issue 7: the Redis store at ≥ 85 % of the memory
 * store's flows/s there, and still ≥ 2× the peer.
 */
export function flowComparisons({ users, costs }) {
  const at = (n, cost) => `${n} user${n > 1 ? 's' : ''}, cost ${cost}`;
  return costs.flatMap((cost) => users.flatMap((n) => [
    {
      name: `ours / oidc-provider, ${at(n, cost)}`,
      numerator: flowScenarioName('ours', cost, n),
      denominator: flowScenarioName('oidc-provider', cost, n),
      ...(cost === 4 && n === 8 ? { goal: { min: 2 }, goalText: '≥ 2.00' } : {}),
    },
    {
      name: `ours-redis / ours (memory store), ${at(n, cost)}`,
      numerator: flowScenarioName('ours-redis', cost, n),
      denominator: flowScenarioName('ours', cost, n),
      ...(cost === 4 && n === 8 ? { goal: { min: 0.85 }, goalText: '≥ 0.85 (issue 7)' } : {}),
    },
    {
      name: `ours-redis / oidc-provider, ${at(n, cost)}`,
      numerator: flowScenarioName('ours-redis', cost, n),
      denominator: flowScenarioName('oidc-provider', cost, n),
      ...(cost === 4 && n === 8 ? { goal: { min: 2 }, goalText: '≥ 2.00 (issue 7)' } : {}),
    },
  ]));
}
