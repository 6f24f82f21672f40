import { Logger, LoggerService, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Cluster, Redis, type ClusterOptions, type RedisOptions } from 'ioredis';
import type { ConnectionOptions } from 'node:tls';
import { StoreUnavailableError } from '../store-errors.js';
import type { RedisStoreOptions } from './redis-store-options.js';
import { STORE_SCRIPTS, type StoreScriptCommands } from './redis-scripts.js';

/** A client of one node or of a cluster, with the store's scripts as commands. */
export type StoreClient = (Redis | Cluster) & StoreScriptCommands;

/** How long `close()` waits for the connection to end. */
const QUIT_TIMEOUT_MS = 1_000;

/**
 * The one ioredis connection (or cluster client) that every Redis store port shares.
 *
 * Failing fast rather than queueing: with the offline queue off, a command issued while Redis is
 * unreachable fails at once; `commandTimeout` bounds the wait for a reply (a paused or overloaded
 * Redis); a command in flight when the connection drops fails instead of being resent after the
 * reconnection (`maxRetriesPerRequest: 0`), since a write may already have happened. Reconnection
 * goes on forever with a delay capped at `maxReconnectDelayMs`, so the store recovers by itself
 * within about that delay once Redis is back. Every failure reaches callers as a
 * {@link StoreUnavailableError} (see {@link RedisConnection.run}), never as an ioredis error.
 *
 * Connects when the application has bootstrapped (not when built), so that `config:check`, which
 * only builds and closes the modules, never needs a reachable Redis; closes on shutdown, after the
 * HTTP server has finished the requests in flight.
 */
export class RedisConnection implements OnApplicationBootstrap, OnApplicationShutdown {
  readonly client: StoreClient;
  private readonly where: string;
  private failing = false;
  private closed = false;
  /** The last connection error, for the message of a failed {@link connect}. */
  private lastError: string | undefined;

  /** `logger`: where connection changes are reported (default: Nest's, context `RedisStore`). */
  constructor(readonly options: RedisStoreOptions, private readonly logger: Pick<LoggerService, 'log' | 'warn'> = new Logger('RedisStore')) {
    if (/[{}]/.test(options.keyPrefix)) throw new RangeError('the Redis key prefix must not contain { or }');
    if ((options.url === undefined) === (options.cluster === undefined)) throw new RangeError('give the Redis store one of url and cluster');
    const reconnectDelay = (attempt: number) =>
      Math.min(50 * 2 ** Math.min(attempt, 10), options.maxReconnectDelayMs ?? 1_000) + Math.floor(Math.random() * 50);
    const common: RedisOptions = {
      connectTimeout: options.connectTimeoutMs,
      commandTimeout: options.commandTimeoutMs,
      maxRetriesPerRequest: 0,
      autoResendUnfulfilledCommands: false,
      // A socket to a dead node that does not close by itself is destroyed after this (default 2 s).
      disconnectTimeout: 500,
      connectionName: 'sympauthy',
      // Commands issued in the same tick (the two counters of a sign-in, the code and the form's
      // single-use mark) go out in one write: fewer system calls per flow.
      enableAutoPipelining: true,
      ...(options.username === undefined ? {} : { username: options.username }),
      ...(options.password === undefined ? {} : { password: options.password }),
    };
    const tls = tlsOptions(options);
    if (options.url !== undefined) {
      const url = new URL(options.url);
      this.where = `${url.hostname}:${url.port || 6379}`;
      this.client = new Redis(options.url, {
        ...common,
        ...(tls === undefined ? {} : { tls }),
        keyPrefix: options.keyPrefix,
        enableOfflineQueue: false,
        lazyConnect: true,
        retryStrategy: reconnectDelay,
        scripts: STORE_SCRIPTS,
      }) as StoreClient;
    } else {
      const nodes = options.cluster!;
      this.where = `cluster ${nodes.map((n) => `${n.host}:${n.port}`).join(',')}`;
      const clusterOptions: ClusterOptions = {
        keyPrefix: options.keyPrefix,
        enableOfflineQueue: false,
        lazyConnect: true,
        scaleReads: 'master',
        enableAutoPipelining: true,
        clusterRetryStrategy: reconnectDelay,
        // A restarted node comes back at the same address: retry it rather than wait for a MOVED.
        clusterNodeRetryStrategy: reconnectDelay,
        slotsRefreshTimeout: options.connectTimeoutMs,
        redisOptions: { ...common, ...(tls === undefined ? {} : { tls }) },
        scripts: STORE_SCRIPTS,
      };
      this.client = new Cluster(nodes, clusterOptions) as StoreClient;
    }
    // Without an error listener, ioredis prints every connection error itself. Each outage is
    // logged once: at the first error, or when a reconnection is scheduled (a closed socket).
    this.client.on('error', (e: Error) => this.onFailure(this.lastError = reasonOf(e)));
    this.client.on('node error', (e: Error) => this.onFailure(this.lastError = reasonOf(e)));
    this.client.on('reconnecting', () => this.onFailure('connection closed'));
    this.client.on('ready', () => this.onReady());
  }

  /**
   * Starts connecting, and resolves when Redis answers; rejects (with a store error) if the first
   * attempt fails, while reconnection goes on in the background.
   */
  async connect(): Promise<void> {
    if (this.client.status !== 'wait') return;
    try {
      await this.client.connect();
    } catch (e) {
      // ioredis rejects with "Connection is closed"; the error event before it says why.
      throw new StoreUnavailableError(`redis store: connecting to ${this.where} failed: ${this.lastError ?? this.explain(e)}`);
    }
  }

  onApplicationBootstrap(): void {
    // Not awaited: the server starts while Redis is down, unready, and serves once it is back.
    this.connect().catch(() => undefined);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.close();
  }

  /** Sends QUIT, then drops the connection and stops reconnecting; waits at most a second. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const status = this.client.status;
    // Between reconnection attempts there is no socket: disconnect() only cancels the next one.
    const open = status === 'connecting' || status === 'connect' || status === 'ready';
    const ended = new Promise((resolve) => this.client.once('end', resolve));
    if (status === 'ready') await this.client.quit().catch(() => undefined);
    this.client.disconnect();
    if (open) await Promise.race([ended, new Promise((resolve) => setTimeout(resolve, QUIT_TIMEOUT_MS).unref())]);
  }

  /** `true` when Redis answers a PING now (within the command timeout); never throws. */
  async ping(): Promise<boolean> {
    try {
      return (await this.client.ping()) === 'PONG';
    } catch {
      return false;
    }
  }

  /**
   * Runs one store operation; any failure (connection refused or lost, timeout, cluster down,
   * too many redirections, script error) becomes a {@link StoreUnavailableError} whose message
   * names the operation and the reason, never the command's arguments.
   */
  async run<T>(operation: string, command: () => Promise<T>): Promise<T> {
    try {
      return await command();
    } catch (e) {
      throw new StoreUnavailableError(`redis store: ${operation} failed: ${this.explain(e)}`);
    }
  }

  /** ioredis's wording of the usual failures, said in the store's terms. */
  private explain(e: unknown): string {
    const reason = reasonOf(e);
    if (/enableOfflineQueue|isn't ready|Connection is closed/.test(reason)) return `not connected to ${this.where}`;
    if (reason === 'Command timed out') return `no reply within the command timeout (${this.options.commandTimeoutMs} ms)`;
    return reason;
  }

  private onFailure(reason: string): void {
    if (this.failing || this.closed) return;
    this.failing = true;
    this.logger.warn(`redis store: connection to ${this.where} failing (${reason}); store operations answer 503 until it is back`);
  }

  private onReady(): void {
    if (this.failing) this.logger.log(`redis store: connection to ${this.where} is back`);
    else this.logger.log(`redis store: connected to ${this.where}`);
    this.failing = false;
  }
}

/** The TLS options of a rediss:// URL or of a cluster with `tls`; `undefined` for plain TCP. */
function tlsOptions(options: RedisStoreOptions): ConnectionOptions | undefined {
  const enabled = options.url === undefined ? options.tls !== undefined : options.url.startsWith('rediss:');
  if (!enabled) return undefined;
  const tls = options.tls ?? {};
  return {
    ...(tls.ca === undefined ? {} : { ca: tls.ca }),
    ...(tls.cert === undefined ? {} : { cert: tls.cert }),
    ...(tls.key === undefined ? {} : { key: tls.key }),
    ...(tls.serverName === undefined ? {} : { servername: tls.serverName }),
  };
}

/** The first line of an error's message, bounded: ioredis and Redis messages carry no arguments. */
function reasonOf(e: unknown): string {
  const message = e instanceof Error ? e.message : String(e);
  const line = message.split('\n', 1)[0];
  return line.length > 200 ? `${line.slice(0, 200)}…` : line;
}
