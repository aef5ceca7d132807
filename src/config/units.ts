// Parsers for the human units used in configuration files and environment
// variables: durations (`90s`, `15m`, `24h`, `7d`) and sizes (`10MB`).

const DURATION_UNITS_MS = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000 } as const;
const SIZE_UNITS_BYTES = { b: 1, kb: 1_024, mb: 1_048_576, gb: 1_073_741_824 } as const;

/** Milliseconds for a duration such as `90s`, `15m`, `24h`, `7d` or `500ms`; undefined if malformed. */
export function parseDuration(text: string): number | undefined {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)\s*$/i.exec(text);
  if (!match) return undefined;
  const [, amount, unit] = match;
  const ms = Number(amount) * DURATION_UNITS_MS[unit?.toLowerCase() as keyof typeof DURATION_UNITS_MS];
  return Number.isFinite(ms) && ms > 0 ? Math.round(ms) : undefined;
}

/** Bytes for a size such as `10MB`, `512KB` or `2048` (bytes); undefined if malformed. */
export function parseSize(text: string): number | undefined {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(b|kb|mb|gb)?\s*$/i.exec(text);
  if (!match) return undefined;
  const [, amount, unit = 'b'] = match;
  const bytes = Number(amount) * SIZE_UNITS_BYTES[unit.toLowerCase() as keyof typeof SIZE_UNITS_BYTES];
  return Number.isFinite(bytes) && bytes > 0 ? Math.round(bytes) : undefined;
}

/** The inverse of parseDuration for messages: 86400000 → `24h`. */
export function formatDuration(ms: number): string {
  for (const [unit, size] of [['d', 86_400_000], ['h', 3_600_000], ['m', 60_000], ['s', 1_000]] as const) {
    if (ms >= size && ms % size === 0) return `${ms / size}${unit}`;
  }
  return `${ms}ms`;
}
