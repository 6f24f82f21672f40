import { ConfigurationError } from './config-errors.js';
import { parseDuration } from './duration.js';

export interface ListenerConfig {
  port: number;
  host: string;
  /** How long `/health/ready` fails before the listener closes on SIGTERM. */
  drainDelayMs: number;
}

/** `PORT` (default 3000), `HOST` (default 0.0.0.0) and `SHUTDOWN_DRAIN_DELAY` (default 5s). */
export function validateListenerEnv(env: Record<string, string | undefined>): { listener: ListenerConfig } {
  const problems: string[] = [];
  const port = env.PORT === undefined || env.PORT === '' ? 3000 : Number(env.PORT);
  if (!Number.isInteger(port) || port < 0 || port > 65535) problems.push(`PORT: must be a port number (0-65535), got ${env.PORT}`);
  const drain = env.SHUTDOWN_DRAIN_DELAY ? parseDuration(env.SHUTDOWN_DRAIN_DELAY) : 5000;
  if (drain === undefined) problems.push('SHUTDOWN_DRAIN_DELAY: must be a duration such as 5s');
  if (problems.length > 0) throw new ConfigurationError(problems);
  return { listener: { port, host: env.HOST || '0.0.0.0', drainDelayMs: drain ?? 5000 } };
}
