import { ChildProcess, execFile, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createConnection } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Redis } from 'ioredis';
import { freePort } from './node-process.js';

/**
 * Real Redis servers for the tests, on loopback only: the machine's Redis on 6379 (shared: use a
 * {@link uniqueKeyPrefix}), a private `redis-server` on a free port (for fault tests, which stop
 * and pause it), and a three-node Redis Cluster. Each private server is a child process of the
 * test, stopped by its PID, with its files in a temporary directory removed afterwards.
 */

const run = promisify(execFile);
const HOST = '127.0.0.1';
const SHARED_PORT = 6379;

/** A key prefix no other test run uses, so that parallel runs on one Redis never meet. */
export function uniqueKeyPrefix(label = 'test'): string {
  return `sympauthy-${label}-${randomBytes(6).toString('hex')}:`;
}

/** Sends `command` (inline protocol) and resolves with the first reply line; rejects on errors. */
export function redisCommand(port: number, command: string, timeoutMs = 1_000): Promise<string> {
  return new Promise((resolve, reject) => {
    const socket = createConnection({ host: HOST, port });
    let reply = '';
    const fail = (e: Error) => { socket.destroy(); reject(e); };
    socket.setTimeout(timeoutMs, () => fail(new Error(`redis on ${port}: no reply to ${command} within ${timeoutMs} ms`)));
    socket.once('error', fail);
    socket.once('connect', () => socket.write(`${command}\r\n`));
    socket.on('data', (chunk) => {
      reply += chunk.toString('utf8');
      const lines = reply.split('\r\n');
      // A simple reply is one line; a bulk string ($<length>) is followed by its value.
      if (lines.length < 2 || (lines[0].startsWith('$') && lines[0] !== '$-1' && lines.length < 3)) return;
      socket.end();
      if (lines[0].startsWith('-')) reject(new Error(`redis on ${port}: ${lines[0].slice(1)}`));
      else resolve(lines[0].startsWith('$') ? lines[1] ?? '' : lines[0].slice(1));
    });
  });
}

/** Deletes every key under `keyPrefix` on `url` (what a test wrote with long TTLs, e.g. refresh-token families). */
export async function deleteKeys(url: string, keyPrefix: string): Promise<void> {
  const client = new Redis(url);
  try {
    for await (const keys of client.scanStream({ match: `${keyPrefix}*`, count: 1000 })) {
      if ((keys as string[]).length > 0) await client.unlink(...(keys as string[]));
    }
  } finally {
    client.disconnect();
  }
}

/** PEM files of a TLS Redis and of a client it accepts, all signed by one CA (see {@link makeTlsFiles}). */
export interface RedisTlsFiles {
  ca: string;
  serverCert: string;
  serverKey: string;
  clientCert: string;
  clientKey: string;
}

/**
 * A throwaway CA (openssl) with a server certificate for 127.0.0.1 and `redis.test`, and a client
 * certificate, in `dir`.
 */
export async function makeTlsFiles(dir: string): Promise<RedisTlsFiles> {
  const file = (name: string) => join(dir, name);
  const openssl = (...args: string[]) => run('openssl', args, { timeout: 20_000 });
  const newKey = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];
  await openssl('req', '-x509', ...newKey, '-days', '1', '-subj', '/CN=sympauthy test CA', '-keyout', file('ca.key'), '-out', file('ca.pem'));
  const extensions = { server: 'subjectAltName=IP:127.0.0.1,DNS:redis.test', client: 'extendedKeyUsage=clientAuth' };
  for (const [name, extension] of Object.entries(extensions)) {
    writeFileSync(file(`${name}.ext`), `${extension}\n`);
    await openssl('req', ...newKey, '-subj', `/CN=${name}`, '-keyout', file(`${name}.key`), '-out', file(`${name}.csr`));
    await openssl('x509', '-req', '-in', file(`${name}.csr`), '-CA', file('ca.pem'), '-CAkey', file('ca.key'), '-CAcreateserial',
      '-days', '1', '-extfile', file(`${name}.ext`), '-out', file(`${name}.pem`));
  }
  return { ca: file('ca.pem'), serverCert: file('server.pem'), serverKey: file('server.key'), clientCert: file('client.pem'), clientKey: file('client.key') };
}

async function tlsRedisAnswers(port: number, tls: RedisTlsFiles): Promise<boolean> {
  return run('redis-cli', ['--tls', '--cacert', tls.ca, '--cert', tls.clientCert, '--key', tls.clientKey, '-h', HOST, '-p', String(port), 'ping'], { timeout: 2_000 })
    .then(({ stdout }) => /^(PONG|.*NOAUTH)/.test(stdout.trim()), () => false);
}

/** Whether a Redis answers PING on `port` (with PONG, or NOAUTH when it wants a password). */
export async function redisAnswers(port: number): Promise<boolean> {
  return redisCommand(port, 'PING', 500).then((reply) => reply === 'PONG', (e: Error) => /NOAUTH/.test(e.message));
}

async function waitUntil(condition: () => Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await condition())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}

/** One `redis-server` child process on a loopback port; {@link stop} it in afterAll. */
export class RedisServer {
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();
  private output = '';

  private constructor(
    readonly port: number,
    private readonly dir: string,
    private readonly extraArgs: string[],
    private readonly tls: RedisTlsFiles | undefined,
  ) {}

  /**
   * Starts a standalone server (no persistence, DEBUG allowed for fault tests) on a free port;
   * with `tls`, that port speaks TLS only (and requires a client certificate signed by the CA).
   */
  static async start(extraArgs: string[] = [], tls?: RedisTlsFiles): Promise<RedisServer> {
    // A free port may be taken by another run between the probe and the bind: try another one.
    for (let attempt = 1; ; attempt++) {
      const server = new RedisServer(await freePort(), mkdtempSync(join(tmpdir(), 'sympauthy-redis-')), extraArgs, tls);
      try {
        await server.resume();
        return server;
      } catch (e) {
        await server.stop();
        if (attempt === 3 || !/Address already in use/.test(String(e))) throw e;
      }
    }
  }

  get url(): string {
    return `redis://${HOST}:${this.port}`;
  }

  get running(): boolean {
    return this.child !== undefined && this.child.exitCode === null && this.child.signalCode === null;
  }

  /** (Re)starts the process on the same port and waits until it answers. */
  async resume(): Promise<void> {
    if (this.running) return;
    const ports = this.tls === undefined ? ['--port', String(this.port)] : [
      '--port', '0', '--tls-port', String(this.port), '--tls-cert-file', this.tls.serverCert, '--tls-key-file', this.tls.serverKey,
      '--tls-ca-cert-file', this.tls.ca, '--tls-auth-clients', 'yes',
    ];
    const child = spawn('redis-server', [
      ...ports, '--bind', HOST, '--save', '', '--appendonly', 'no', '--dir', this.dir, '--enable-debug-command', 'local', ...this.extraArgs,
    ], { stdio: ['ignore', 'pipe', 'pipe'] });
    this.child = child;
    child.stdout?.on('data', (chunk: Buffer) => { this.output += chunk.toString('utf8'); });
    child.stderr?.on('data', (chunk: Buffer) => { this.output += chunk.toString('utf8'); });
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    await waitUntil(async () => {
      if (!this.running) throw new Error(`redis-server on ${this.port} exited: ${this.output.slice(-2_000)}`);
      return this.tls === undefined ? redisAnswers(this.port) : tlsRedisAnswers(this.port, this.tls);
    }, `redis-server on ${this.port}`);
  }

  /** Stops the process (SIGKILL: an abrupt outage), keeping its directory for {@link resume}. */
  async halt(): Promise<void> {
    if (this.running) this.child!.kill('SIGKILL');
    await this.exited;
  }

  /** Stops the process and removes its files. */
  async stop(): Promise<void> {
    await this.halt();
    rmSync(this.dir, { recursive: true, force: true });
  }

  /** Sends one command (inline protocol), e.g. `CLIENT PAUSE 2000 ALL`, and returns the reply line. */
  command(command: string): Promise<string> {
    return redisCommand(this.port, command);
  }
}

/**
 * The machine's Redis on 6379 when it answers (shared with other runs: give each store a
 * {@link uniqueKeyPrefix}); otherwise a private server for this test file. `release()` stops the
 * private one and leaves the machine's alone.
 */
export async function sharedRedis(): Promise<{ url: string; port: number; release: () => Promise<void> }> {
  if (await redisAnswers(SHARED_PORT)) return { url: `redis://${HOST}:${SHARED_PORT}`, port: SHARED_PORT, release: async () => undefined };
  const server = await RedisServer.start();
  return { url: server.url, port: server.port, release: () => server.stop() };
}

/**
 * A Redis Cluster of three masters (no replicas) on free loopback ports: three
 * `redis-server --cluster-enabled yes` processes joined by `redis-cli --cluster create`.
 * Resolves once every node reports `cluster_state:ok`; {@link stop} it in afterAll.
 */
export class RedisCluster {
  private constructor(private readonly nodes: RedisServer[]) {}

  static async start(size = 3): Promise<RedisCluster> {
    const nodes: RedisServer[] = [];
    const cluster = new RedisCluster(nodes);
    try {
      for (let i = 0; i < size; i++) {
        // The cluster bus needs a port too: an explicit free one (port + 10000 may be out of range).
        const busPort = await freePort();
        nodes.push(await RedisServer.start([
          '--cluster-enabled', 'yes', '--cluster-config-file', 'nodes.conf', '--cluster-port', String(busPort),
          '--cluster-node-timeout', '2000',
        ]));
      }
      await run('redis-cli', ['--cluster', 'create', ...nodes.map((n) => `${HOST}:${n.port}`), '--cluster-replicas', '0', '--cluster-yes'],
        { timeout: 30_000 });
      await waitUntil(async () => {
        const states = await Promise.all(nodes.map((n) => redisClusterInfo(n.port)));
        return states.every((info) => /cluster_state:ok/.test(info) && /cluster_slots_ok:16384/.test(info));
      }, 'cluster_state:ok on every node', 20_000);
    } catch (e) {
      await cluster.stop();
      throw e;
    }
    return cluster;
  }

  /** Seed nodes as `{host, port}`. */
  get seeds(): { host: string; port: number }[] {
    return this.nodes.map((n) => ({ host: HOST, port: n.port }));
  }

  get ports(): number[] {
    return this.nodes.map((n) => n.port);
  }

  /** One node, to stop or pause it. */
  node(index: number): RedisServer {
    return this.nodes[index];
  }

  async stop(): Promise<void> {
    await Promise.all(this.nodes.map((n) => n.stop()));
  }
}

/** `CLUSTER INFO` of one node, as text. */
export async function redisClusterInfo(port: number): Promise<string> {
  const { stdout } = await run('redis-cli', ['-h', HOST, '-p', String(port), 'cluster', 'info'], { timeout: 5_000 });
  return stdout;
}
