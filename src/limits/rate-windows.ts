// Counting hits per key in time windows, the port behind every limit that
// must hold across instances (a web chat session's messages, an email
// sender's mails, failed logins per address). Stored by
// `storage/rate-window-store.ts` in the shared database; `memoryRateWindows`
// counts in this process (tests, and the fallback when the database fails).
//
// The estimate is a sliding window over two fixed ones (the current and the
// one before, weighted by how much of it still lies within the last
// `windowMs`): one write per hit, and no burst of twice the limit at a window
// boundary.

export interface RateWindows {
  /** Counts one hit of `key` and returns the hits within the last `windowMs`, this one included (an estimate). */
  hit(limit: string, key: string, windowMs: number, at: Date): Promise<number>;
  /** The same estimate, without counting. */
  peek(limit: string, key: string, windowMs: number, at: Date): Promise<number>;
}

/** The fixed window holding `at` and how far into it `at` is (0..1). */
export function windowOf(windowMs: number, at: Date): { start: number; previous: number; elapsed: number } {
  const start = Math.floor(at.getTime() / windowMs) * windowMs;
  return { start, previous: start - windowMs, elapsed: (at.getTime() - start) / windowMs };
}

/** Hits in the last `windowMs`: all of the current window's, and the share of the previous one still inside. */
export function estimate(current: number, previous: number, elapsed: number): number {
  return current + previous * (1 - elapsed);
}

/** Windows in this process, bounded: ended ones are dropped as the map grows. */
export function memoryRateWindows(): RateWindows {
  const counts = new Map<string, { n: number; endsAt: number }>();
  const read = (id: string) => counts.get(id)?.n ?? 0;
  const prune = (now: number) => {
    for (const [id, window] of counts) if (window.endsAt <= now) counts.delete(id);
  };
  return {
    hit(limit, key, windowMs, at) {
      const { start, previous, elapsed } = windowOf(windowMs, at);
      if (counts.size > 10_000) prune(at.getTime());
      const id = `${limit}\u0000${key}\u0000${String(start)}`;
      counts.set(id, { n: read(id) + 1, endsAt: start + 2 * windowMs });
      return Promise.resolve(estimate(read(id), read(`${limit}\u0000${key}\u0000${String(previous)}`), elapsed));
    },
    peek(limit, key, windowMs, at) {
      const { start, previous, elapsed } = windowOf(windowMs, at);
      return Promise.resolve(estimate(read(`${limit}\u0000${key}\u0000${String(start)}`), read(`${limit}\u0000${key}\u0000${String(previous)}`), elapsed));
    },
  };
}
