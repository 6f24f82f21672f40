import { isIP } from 'node:net';
import { plainToInstance } from 'class-transformer';
import { IsIn, IsOptional, Matches, ValidateBy, validateSync } from './class-validator.js';
import { ConfigurationError } from './config-errors.js';
import { isDuration, parseDuration } from './duration.js';

export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Who may set `X-Forwarded-For`: nobody, every hop, the nearest N hops, or these proxies. */
export type TrustProxy = boolean | number | string[];

/**
 * The process environment the server reads, as written (strings), validated in one pass. Nothing
 * else in the server reads `process.env`: main, the app factory and the modules get the
 * {@link Environment} built from this (through `@nestjs/config`).
 */
class RawEnvironment {
  @IsOptional() @Matches(/^\d{1,5}$/, { message: 'must be a port number (0-65535)' })
  PORT?: string;

  @IsOptional() @Matches(/^[^\s]+$/, { message: 'must be a host name or address' })
  HOST?: string;

  @IsOptional() @ValidateBy({ name: 'trustProxy', validator: { validate: (v) => typeof v === 'string' && parseTrustProxy(v) !== undefined } }, {
    message: 'must be true, false, a number of proxy hops, or a comma-separated list of proxy addresses or CIDRs',
  })
  TRUST_PROXY?: string;

  @IsOptional() @IsIn(LOG_LEVELS as unknown as string[], { message: `must be one of ${LOG_LEVELS.join(', ')}` })
  LOG_LEVEL?: string;

  @IsOptional() @ValidateBy({ name: 'duration', validator: { validate: (v) => isDuration(v) } }, { message: 'must be a duration such as 0s, 5s or 1m' })
  SHUTDOWN_DRAIN_DELAY?: string;

  @IsOptional()
  SYMPAUTHY_CONFIG?: string;

  @IsOptional()
  SYMPAUTHY_MODULES?: string;

  @IsOptional() @IsIn(['true', 'false'], { message: 'must be true or false' })
  SYMPAUTHY_WATCH_CONFIG?: string;
}

export const DEFAULT_CONFIG_FILE = 'config/sympauthy.yml';
/** The longest `SHUTDOWN_DRAIN_DELAY`: far beyond any grace period, and within what a Node timer can wait. */
const MAX_DRAIN_DELAY_MS = 86_400_000;

/** The validated environment of the process. */
export class Environment {
  constructor(
    readonly port: number,
    readonly host: string,
    readonly trustProxy: TrustProxy,
    readonly logLevel: LogLevel,
    /** How long `/health/ready` fails before the listener closes on SIGTERM. */
    readonly shutdownDrainDelayMs: number,
    /** `SYMPAUTHY_CONFIG`: the configuration files, merged in order. */
    readonly configFiles: readonly string[],
    /** `SYMPAUTHY_MODULES`: extension modules to load. */
    readonly modules: readonly string[],
    /** `SYMPAUTHY_WATCH_CONFIG`: reload when a configuration file changes (SIGHUP always reloads). */
    readonly watchConfig = false,
    variables: Readonly<Record<string, string | undefined>> = {},
  ) {
    // Not enumerable: the environment holds secrets, and this object must print and serialize
    // without them (a log line or a debugger dump of the Environment shows only the settings).
    Object.defineProperty(this, 'variables', { value: variables, enumerable: false });
  }

  /** The variables `${NAME}` references expand from, as they were at startup (a reload reads these). */
  declare readonly variables: Readonly<Record<string, string | undefined>>;
}

/** Validates `env` (every problem at once, named by variable) and returns the typed environment. */
export function validateEnvironment(env: Record<string, string | undefined>): Environment {
  const raw = plainToInstance(RawEnvironment, pick(env));
  const problems = validateSync(raw).flatMap((e) => Object.values(e.constraints ?? {}).map((m) => `${e.property}: ${m}, got ${JSON.stringify(env[e.property])}`));
  const port = raw.PORT === undefined || raw.PORT === '' ? 3000 : Number(raw.PORT);
  if (!problems.some((p) => p.startsWith('PORT:')) && port > 65535) problems.push(`PORT: must be a port number (0-65535), got ${JSON.stringify(env.PORT)}`);
  // A Node timer longer than 2^31-1 ms (24.8 days) fires after 1 ms: the drain would not happen at all.
  if (raw.SHUTDOWN_DRAIN_DELAY && (parseDuration(raw.SHUTDOWN_DRAIN_DELAY) ?? 0) > MAX_DRAIN_DELAY_MS) {
    problems.push(`SHUTDOWN_DRAIN_DELAY: must be at most 1d, got ${JSON.stringify(env.SHUTDOWN_DRAIN_DELAY)}`);
  }
  if (problems.length > 0) throw new ConfigurationError(problems);
  return new Environment(
    port,
    raw.HOST || '0.0.0.0',
    parseTrustProxy(raw.TRUST_PROXY ?? '') ?? false,
    (raw.LOG_LEVEL || 'info') as LogLevel,
    raw.SHUTDOWN_DRAIN_DELAY ? parseDuration(raw.SHUTDOWN_DRAIN_DELAY)! : 5000,
    list(raw.SYMPAUTHY_CONFIG, [DEFAULT_CONFIG_FILE]),
    list(raw.SYMPAUTHY_MODULES, []),
    raw.SYMPAUTHY_WATCH_CONFIG === 'true',
    Object.freeze({ ...env }),
  );
}

/** Only the variables the server reads, and only the set ones (an empty one counts as unset). */
function pick(env: Record<string, string | undefined>): Record<string, string> {
  const names = ['PORT', 'HOST', 'TRUST_PROXY', 'LOG_LEVEL', 'SHUTDOWN_DRAIN_DELAY', 'SYMPAUTHY_CONFIG', 'SYMPAUTHY_MODULES', 'SYMPAUTHY_WATCH_CONFIG'];
  return Object.fromEntries(names.filter((n) => env[n] !== undefined && env[n] !== '').map((n) => [n, env[n]!]));
}

function list(value: string | undefined, fallback: string[]): string[] {
  const items = (value ?? '').split(',').map((f) => f.trim()).filter((f) => f.length > 0);
  return items.length > 0 ? items : fallback;
}

/**
 * `TRUST_PROXY`: unset or `false` (default) — the TCP peer is the client address; `true` — trust
 * every `X-Forwarded-For` hop (only behind a proxy that overwrites it); a number — trust that many
 * hops; otherwise a comma-separated list of proxy addresses or CIDRs. The client address feeds
 * the per-address sign-in throttle, so trusting a header clients can set would let them evade it.
 */
export function parseTrustProxy(value: string): TrustProxy | undefined {
  const v = value.trim();
  if (v === '' || v === 'false') return false;
  if (v === 'true') return true;
  if (/^\d+$/.test(v)) return Number(v);
  const entries = v.split(',').map((e) => e.trim()).filter((e) => e.length > 0);
  return entries.length > 0 && entries.every(isAddressOrCidr) ? entries : undefined;
}

function isAddressOrCidr(entry: string): boolean {
  const [address, bits, extra] = entry.split('/');
  if (extra !== undefined || isIP(address) === 0) return false;
  if (bits === undefined) return true;
  const max = isIP(address) === 4 ? 32 : 128;
  return /^\d{1,3}$/.test(bits) && Number(bits) <= max;
}

/** The setting for Fastify's `trustProxy` option. */
export function fastifyTrustProxy(trust: TrustProxy): boolean | string[] | ((address: string, hop: number) => boolean) {
  if (typeof trust === 'number') return (_address: string, hop: number) => hop < trust;
  return trust;
}
