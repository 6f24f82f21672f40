const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };
const DURATION = /^(\d+)(ms|s|m|h|d)$/;

/** Parses `60s`, `15m`, `30d`, `500ms`, `2h` into milliseconds; `undefined` when malformed. */
export function parseDuration(value: unknown): number | undefined {
  if (typeof value !== 'string') return undefined;
  const match = DURATION.exec(value.trim());
  if (!match) return undefined;
  return Number(match[1]) * UNITS[match[2]];
}

export function isDuration(value: unknown): boolean {
  return parseDuration(value) !== undefined;
}
