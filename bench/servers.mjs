// The processes under test: our built server (dist/main.js) and the node-oidc-provider peer.
// Each runs in its own child process on a loopback port; the bench only ever talks to 127.0.0.1.
import { spawn } from 'node:child_process';
import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import bcrypt from 'bcrypt';
import { stringify } from 'yaml';

export const HOST = '127.0.0.1';
const REPO = fileURLToPath(new URL('..', import.meta.url));
const READY_TIMEOUT_MS = 20_000;
const STOP_TIMEOUT_MS = 10_000;

/** A port the kernel just handed out on 127.0.0.1 (free when this resolves). */
export function freePort() {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.unref();
    probe.on('error', reject);
    probe.listen(0, HOST, () => {
      const { port } = probe.address();
      probe.close(() => resolve(port));
    });
  });
}

/**
 * Everything both servers share, written once into `dir`: the ES256 access-token key (PKCS#8
 * PEM, also given to the peer), a separate id-token key, the client ids and secrets, and for the
 * authorization-code flow a web client and one user per bcrypt cost in `flowCosts` (same
 * username, password and hash in both servers).
 */
export function createFixtures(dir, { flowCosts = [] } = {}) {
  const pem = () => generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ type: 'pkcs8', format: 'pem' });
  const accessTokenKeyFile = join(dir, 'access-token-es256.pem');
  const idTokenKeyFile = join(dir, 'id-token-es256.pem');
  const publishedKeyFile = join(dir, 'published-es256.pem');
  writeFileSync(accessTokenKeyFile, pem(), { mode: 0o600 });
  writeFileSync(idTokenKeyFile, pem(), { mode: 0o600 });
  writeFileSync(publishedKeyFile, pem(), { mode: 0o600 });
  const bcryptSecret = randomBytes(24).toString('base64url');
  return {
    dir,
    accessTokenKeyFile,
    accessTokenKid: 'bench-at-es256',
    idTokenKeyFile,
    publishedKeyFile,
    scope: 'api:read',
    plainClient: { id: 'bench-plain', secret: randomBytes(24).toString('base64url') },
    bcryptClient: { id: 'bench-bcrypt', secret: bcryptSecret, hash: bcrypt.hashSync(bcryptSecret, 10) },
    peerClient: { id: 'bench-peer', secret: randomBytes(24).toString('base64url') },
    flowClient: { id: 'bench-web', secret: randomBytes(24).toString('base64url'), redirectUri: 'https://app.bench.test/callback' },
    flowScope: 'openid',
    flowUsers: createFlowUsers(flowCosts),
  };
}

/** cost → { username, password, hash } (bcrypt's own `$2b$` hashes, as `npm run hash-secret` writes). */
function createFlowUsers(costs) {
  const password = randomBytes(12).toString('base64url');
  return new Map([...new Set(costs)].map((cost) => [cost, { username: `bench-user-c${cost}`, password, hash: bcrypt.hashSync(password, cost) }]));
}

/**
 * The YAML configuration of our server for the bench (SPEC §1, §2, §4 keys). An odd `variant`
 * (BENCH_RELOAD_EVERY: the configurations a reload alternates between) adds a client and
 * publishes a second access-token key, without changing what the scenarios use or check.
 */
function ourConfig(fixtures, root, variant = 0) {
  const clientCredentialsOnly = {
    'allowed-grant-types': ['client_credentials'],
    'allowed-scopes': [fixtures.scope],
    'default-scopes': [fixtures.scope],
  };
  return {
    urls: { root },
    audiences: { default: { 'token-audience': `${root}/api` } },
    scopes: { [fixtures.scope]: { description: 'Benchmark scope' } },
    clients: {
      [fixtures.plainClient.id]: { secret: fixtures.plainClient.secret, ...clientCredentialsOnly },
      [fixtures.bcryptClient.id]: { secret: fixtures.bcryptClient.hash, ...clientCredentialsOnly },
      // Confidential by default: authorization_code + refresh_token (+ client_credentials), PKCE.
      [fixtures.flowClient.id]: { secret: fixtures.flowClient.secret, 'allowed-redirect-uris': [fixtures.flowClient.redirectUri] },
      ...(variant % 2 ? { [`bench-reload-${variant}`]: { secret: fixtures.plainClient.secret, ...clientCredentialsOnly } } : {}),
    },
    ...(fixtures.flowUsers.size ? { users: Object.fromEntries([...fixtures.flowUsers.values()].map((u) => [u.username, { password: u.hash }])) } : {}),
    keys: {
      'access-token': [
        { id: fixtures.accessTokenKid, algorithm: 'ES256', 'private-key-file': fixtures.accessTokenKeyFile },
        ...(variant % 2 ? [{ id: 'bench-published-es256', algorithm: 'ES256', 'private-key-file': fixtures.publishedKeyFile }] : []),
      ],
      'id-token': [{ id: 'bench-it-es256', algorithm: 'ES256', 'private-key-file': fixtures.idTokenKeyFile }],
    },
    store: { type: 'memory' },
  };
}

/**
 * Starts `node dist/main.js` on a free loopback port.
 * @param {object} options
 * @param {string} options.name      label in the report
 * @param {string} options.logLevel  LOG_LEVEL (`warn` for the measured rows, `info` to price the request log)
 * @param {string[]} [options.nodeArgs]  extra node flags (e.g. `--cpu-prof`)
 */
export async function startOurServer(fixtures, { name, logLevel, nodeArgs = [], cwd = REPO }) {
  const port = await freePort();
  const root = `http://${HOST}:${port}`;
  const configFile = join(fixtures.dir, `sympauthy-${name}.yml`);
  // The YAML is written as-is: `$` in the bcrypt hash is literal (SPEC §4: only `${` expands).
  const write = (variant) => writeFileSync(configFile, stringify(ourConfig(fixtures, root, variant)), { mode: 0o600 });
  write(0);
  const server = await startProcess({
    name,
    command: process.execPath,
    args: [...nodeArgs, join(REPO, 'dist/main.js')],
    cwd,
    env: {
      SYMPAUTHY_CONFIG: configFile,
      PORT: String(port),
      HOST,
      LOG_LEVEL: logLevel,
      SHUTDOWN_DRAIN_DELAY: '0s',
    },
    // At `info` every request writes a log line: send it to /dev/null ('ignore'), as a container
    // runtime would consume it, without the bench process paying for reading it.
    stdout: logLevel === 'warn' ? 'pipe' : 'ignore',
    url: root,
    readyPath: '/health/ready',
  });
  let variant = 0;
  /** Writes the next configuration variant and sends SIGHUP: the server reloads it (live configuration). */
  server.reloadConfiguration = () => {
    write(++variant);
    process.kill(server.pid, 'SIGHUP');
  };
  return server;
}

/** Starts node-oidc-provider (bench/oidc-provider-peer.mjs) on a free loopback port. */
export async function startPeer(fixtures, { name = 'oidc-provider', nodeArgs = [] } = {}) {
  const port = await freePort();
  const url = `http://${HOST}:${port}`;
  return startProcess({
    name,
    command: process.execPath,
    args: [...nodeArgs, join(REPO, 'bench/oidc-provider-peer.mjs')],
    cwd: REPO,
    env: {
      PEER_PORT: String(port),
      PEER_KEY_FILE: fixtures.accessTokenKeyFile,
      PEER_KID: fixtures.accessTokenKid,
      PEER_CLIENT_ID: fixtures.peerClient.id,
      PEER_CLIENT_SECRET: fixtures.peerClient.secret,
      PEER_AUDIENCE: `${url}/api`,
      PEER_SCOPE: fixtures.scope,
      PEER_FLOW_CLIENT_ID: fixtures.flowClient.id,
      PEER_FLOW_CLIENT_SECRET: fixtures.flowClient.secret,
      PEER_FLOW_REDIRECT_URI: fixtures.flowClient.redirectUri,
      PEER_USERS: JSON.stringify(Object.fromEntries([...fixtures.flowUsers.values()].map((u) => [u.username, u.hash]))),
    },
    stdout: 'pipe',
    url,
    readyPath: '/.well-known/openid-configuration',
  });
}

/**
 * Spawns a server, keeps the tail of its output for error messages, waits until `readyPath`
 * answers 200. The returned handle samples the process's memory and stops it (SIGTERM, then
 * SIGKILL after a timeout) — only this child, by its pid.
 */
async function startProcess({ name, command, args, cwd, env, stdout, url, readyPath }) {
  const child = spawn(command, args, {
    cwd,
    env: { PATH: process.env.PATH, HOME: process.env.HOME, ...env },
    stdio: ['ignore', stdout, 'pipe'],
  });
  const tail = [];
  const keep = (chunk) => {
    tail.push(...chunk.toString().split('\n').filter(Boolean));
    tail.splice(0, Math.max(0, tail.length - 20));
  };
  child.stdout?.on('data', keep);
  child.stderr.on('data', keep);
  const exited = new Promise((resolve) => child.once('exit', (code, signal) => resolve({ code, signal })));
  let exit;
  void exited.then((e) => { exit = e; });

  const deadline = Date.now() + READY_TIMEOUT_MS;
  for (;;) {
    if (exit) throw new Error(`${name} exited before it was ready (${JSON.stringify(exit)}):\n${tail.join('\n')}`);
    try {
      const response = await fetch(url + readyPath);
      if (response.status === 200) break;
    } catch {
      // not listening yet
    }
    if (Date.now() > deadline) {
      child.kill('SIGKILL');
      throw new Error(`${name} was not ready within ${READY_TIMEOUT_MS} ms:\n${tail.join('\n')}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }

  return {
    name,
    url,
    pid: child.pid,
    output: () => tail.join('\n'),
    get running() { return !exit; },
    /** VmRSS and VmHWM (peak since start) in MiB, from /proc/<pid>/status. */
    memory: () => readMemory(child.pid),
    async stop() {
      if (exit) return exit;
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS);
      const result = await exited;
      clearTimeout(timer);
      return result;
    },
  };
}

function readMemory(pid) {
  try {
    const status = readFileSync(`/proc/${pid}/status`, 'utf8');
    const kib = (field) => Number(new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(status)?.[1]);
    return { rssMiB: kib('VmRSS') / 1024, hwmMiB: kib('VmHWM') / 1024 };
  } catch {
    return undefined; // not Linux, or the process is gone
  }
}
