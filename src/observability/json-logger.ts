import { LoggerService } from '@nestjs/common';
import pino, { Logger as PinoLogger } from 'pino';

/**
 * Structured JSON log lines (one object per line) for Nest's own messages and the request log.
 * Nothing here logs request bodies, headers or query strings, so secrets, passwords, codes and
 * tokens never reach a line; the redaction list is a second line of defence for fields an
 * extension might log by mistake.
 */
export const REDACTED_FIELDS = [
  'password', 'secret', 'client_secret', 'code', 'code_verifier', 'access_token', 'refresh_token', 'id_token',
  'token', 'authorization', 'cookie', '*.password', '*.secret', '*.client_secret', '*.code', '*.code_verifier',
  '*.access_token', '*.refresh_token', '*.id_token', '*.token', '*.authorization', '*.cookie',
];

/**
 * Standard output through an asynchronous SonicBoom: lines written in the same tick go out in
 * one write. {@link JsonLogger.flush} empties it before the process exits.
 */
export function stdoutDestination(): pino.DestinationStream & { flushSync(): void } {
  return pino.destination({ dest: 1, sync: false });
}

export function createPino(destination?: pino.DestinationStream, level = 'info', redact = true): PinoLogger {
  return pino({
    level,
    base: undefined,
    timestamp: pino.stdTimeFunctions.isoTime,
    formatters: { level: (label) => ({ level: label }) },
    ...(redact ? { redact: { paths: REDACTED_FIELDS, censor: '[redacted]' } } : {}),
  }, destination);
}

export class JsonLogger implements LoggerService {
  /**
   * The request log: one line of fixed, safe fields per request (request-log.ts), so it skips
   * the wildcard redaction, which measured 8–9 µs per line against ~2 µs without.
   */
  readonly requests: PinoLogger;

  constructor(
    readonly pino: PinoLogger = createPino(stdoutDestination()),
    requests?: PinoLogger,
    private readonly destination?: { flushSync(): void },
  ) {
    this.requests = requests ?? pino;
  }

  /** Writes to stdout asynchronously; both loggers share one destination. */
  static toStdout(level = 'info'): JsonLogger {
    const destination = stdoutDestination();
    return new JsonLogger(createPino(destination, level), createPino(destination, level, false), destination);
  }

  /** Writes buffered lines out synchronously (before `process.exit`). */
  flush(): void {
    try {
      this.destination?.flushSync();
    } catch {
      // nothing buffered, or stdout already closed
    }
  }

  log(message: unknown, context?: string): void {
    // Nest's own start-up chatter (one line per module and per route, ~45 lines) is for debugging:
    // the server prints one line saying what started instead.
    if (context !== undefined && FRAMEWORK_CONTEXTS.has(context)) this.pino.debug(...line(message, context));
    else this.pino.info(...line(message, context));
  }

  error(message: unknown, traceOrContext?: string, context?: string): void {
    this.pino.error(...line(message, context ?? traceOrContext));
  }

  warn(message: unknown, context?: string): void {
    this.pino.warn(...line(message, context));
  }

  debug(message: unknown, context?: string): void {
    this.pino.debug(...line(message, context));
  }

  verbose(message: unknown, context?: string): void {
    this.pino.trace(...line(message, context));
  }

  fatal(message: unknown, context?: string): void {
    this.pino.fatal(...line(message, context));
  }
}

/** Contexts of Nest's start-up messages (`Mapped {/x, GET} route`, `XModule dependencies initialized`, …). */
const FRAMEWORK_CONTEXTS = new Set(['NestFactory', 'InstanceLoader', 'RoutesResolver', 'RouterExplorer', 'NestApplication']);

/**
 * A log line's fields and message. A plain object message (`{ msg, event, clientId, … }`, as the
 * security events are logged) becomes fields of the line, its `msg` the message; anything else
 * is the message.
 */
function line(message: unknown, context: string | undefined): [Record<string, unknown>, string] {
  if (message !== null && typeof message === 'object' && !Array.isArray(message) && !(message instanceof Error)) {
    const { msg, ...fields } = message as Record<string, unknown>;
    return [{ context, ...fields }, typeof msg === 'string' ? msg : ''];
  }
  return [{ context }, typeof message === 'string' ? message : message instanceof Error ? message.message : JSON.stringify(message)];
}
