// What the bench measures. A scenario is a small object:
//
//   {
//     name,          // row label, also used by comparisons
//     server,        // key of SERVERS: the process under load
//     runs,          // 'interleaved' (every round, in list order) or 'once' (after the rounds)
//     description,   // one line for the report
//     setup(server, fixtures) -> autocannon options for the load: { method, path, headers, body }
//                    // or { requests: [...] } for multi-step flows (autocannon's `requests`,
//                    // with setupRequest/onResponse hooks), e.g. the authorization-code round
//                    // trip of issue 4 (authorize → sign-in → code → token).
//     check(server, fixtures, options) -> throws unless one request yields what we claim to measure
//   }
//
// To add a scenario, append to SCENARIOS (and to SERVERS if it needs another process).
import { createPublicKey, verify } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { startOurServer, startPeer } from './servers.mjs';

/** The processes scenarios run against, started lazily by run.mjs, stopped at the end. */
export const SERVERS = {
  ours: (fixtures, extra = {}) => startOurServer(fixtures, { name: 'ours', logLevel: 'warn', ...extra }),
  'ours-info-log': (fixtures, extra = {}) => startOurServer(fixtures, { name: 'ours-info-log', logLevel: 'info', ...extra }),
  'oidc-provider': (fixtures) => startPeer(fixtures),
};

const FORM = 'application/x-www-form-urlencoded';

/** `Authorization: Basic` per RFC 6749 §2.3.1 (id and secret form-urlencoded first). */
export function basic(id, secret) {
  return `Basic ${Buffer.from(`${encodeURIComponent(id)}:${encodeURIComponent(secret)}`).toString('base64')}`;
}

function clientCredentialsRequest(path, client, scope) {
  return {
    method: 'POST',
    path,
    headers: { 'content-type': FORM, authorization: basic(client.id, client.secret) },
    body: new URLSearchParams({ grant_type: 'client_credentials', scope }).toString(),
  };
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
async function checkClientCredentialsToken(server, fixtures, options, clientId) {
  const response = await fetch(server.url + options.path, { method: options.method, headers: options.headers, body: options.body });
  const text = await response.text();
  const fail = (why) => { throw new Error(`${server.name} ${options.path}: ${why} (status ${response.status})`); };
  if (response.status !== 200) fail(`expected 200, got ${text.slice(0, 200)}`);
  const body = JSON.parse(text);
  if (body.token_type !== 'Bearer') fail(`token_type ${body.token_type}`);
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
}

export const SCENARIOS = [
  {
    name: 'ours-plain',
    server: 'ours',
    runs: 'interleaved',
    description: 'client credentials, plain secret, HTTP Basic, LOG_LEVEL=warn',
    setup: (_server, fixtures) => clientCredentialsRequest('/api/oauth2/token', fixtures.plainClient, fixtures.scope),
    check: (server, fixtures, options) => checkClientCredentialsToken(server, fixtures, options, fixtures.plainClient.id),
  },
  {
    name: 'oidc-provider',
    server: 'oidc-provider',
    runs: 'interleaved',
    description: 'node-oidc-provider v9, client credentials, client_secret_basic, JWT access token ES256',
    setup: async (server, fixtures) => clientCredentialsRequest(await peerTokenPath(server), fixtures.peerClient, fixtures.scope),
    check: (server, fixtures, options) => checkClientCredentialsToken(server, fixtures, options, fixtures.peerClient.id),
  },
  {
    name: 'ours-bcrypt',
    server: 'ours',
    runs: 'interleaved',
    description: 'client credentials, bcrypt-hashed secret (cost 10), HTTP Basic, LOG_LEVEL=warn',
    setup: (_server, fixtures) => clientCredentialsRequest('/api/oauth2/token', fixtures.bcryptClient, fixtures.scope),
    check: (server, fixtures, options) => checkClientCredentialsToken(server, fixtures, options, fixtures.bcryptClient.id),
  },
  {
    name: 'ours-plain-info-log',
    server: 'ours-info-log',
    runs: 'once',
    description: 'as ours-plain, default LOG_LEVEL=info (one JSON line per request) to /dev/null',
    setup: (_server, fixtures) => clientCredentialsRequest('/api/oauth2/token', fixtures.plainClient, fixtures.scope),
    check: (server, fixtures, options) => checkClientCredentialsToken(server, fixtures, options, fixtures.plainClient.id),
  },
  {
    name: 'ours-health-live',
    server: 'ours',
    runs: 'once',
    description: 'reference, not a token: GET /health/live through the same Fastify/Nest stack (the framework ceiling)',
    setup: () => ({ method: 'GET', path: '/health/live' }),
    check: async (server, _fixtures, options) => {
      const response = await fetch(server.url + options.path);
      if (response.status !== 200) throw new Error(`${server.name} ${options.path}: status ${response.status}`);
    },
  },
];

/** Ratios of median tokens/s printed under the table, with the goals of issue 3. */
export const COMPARISONS = [
  { name: 'ours-plain / oidc-provider', numerator: 'ours-plain', denominator: 'oidc-provider', goal: { min: 2 }, goalText: '≥ 2.00' },
  { name: 'ours-bcrypt / ours-plain', numerator: 'ours-bcrypt', denominator: 'ours-plain', goal: { min: 0.8 }, goalText: '≥ 0.80 (within 20 %)' },
  { name: 'ours-plain-info-log / ours-plain', numerator: 'ours-plain-info-log', denominator: 'ours-plain', goalText: 'cost of the info request log' },
  { name: 'ours-plain / ours-health-live', numerator: 'ours-plain', denominator: 'ours-health-live', goalText: 'share of the framework ceiling' },
];

/** Per-row latency goals (issue 3: p99 under 10 ms, plain secret). */
export const LATENCY_GOALS = { 'ours-plain': { p99MaxMs: 10 } };
