const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const DURATION = /^(\d+)(ms|s|m|h|d)$/;

/**
 * The longest duration a configuration accepts (3650 days). Beyond it a value stops being a
 * lifetime and starts breaking things: a Redis TTL above 2^63 ms is refused (a revocation then
 * fails with 503), JWT `exp` loses precision past 2^53, and a Date past 8.64e15 ms is invalid.
 */
export const MAX_DURATION_MS = 3650 * 86_400_000;

/** Parses `60s`, `15m`, `30d`, `500ms`, `2h` into milliseconds; `undefined` when malformed or above {@link MAX_DURATION_MS}. */
export function parseDuration(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const match = DURATION.exec(value.trim());
  if (!match) return undefined;
  const ms = Number(match[1]) * UNITS[match[2]];
  return ms <= MAX_DURATION_MS ? ms : undefined;
}

export function isDuration(value: unknown): boolean {
  return parseDuration(value) !== undefined;
}

/** A well-formed duration that is too long: its message says so instead of "must be a duration". */
export function isTooLongDuration(value: unknown): boolean {
  return typeof value === 'string' && DURATION.test(value.trim()) && parseDuration(value) === undefined;
}
