// Durations travel as milliseconds; people read them as the configuration file writes them.
/** As the configuration file writes it; a day is shown as 24h, as the SOP's "1×24 jam" says. */
export function duration(ms: number): string {
  for (const [unit, size] of [['d', 86_400_000], ['h', 3_600_000], ['m', 60_000], ['s', 1_000]] as const) {
    if (ms >= size && ms % size === 0 && !(unit === 'd' && ms < 2 * size)) return `${String(ms / size)}${unit}`;
  }
  return `${String(ms)} ms`;
}
