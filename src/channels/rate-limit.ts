// A limit per key (a web chat session, an email sender) over the last
// `windowMs`, counted in the shared database so it holds across instances
// (limits/rate-windows.ts). When the database cannot count, the limit fails
// OPEN to a count in this process: a citizen's report must not be refused
// because a counter is unreachable (the message itself needs the database
// and is retried by the channel), and the local count still stops a flood,
// at most once per instance.
import { memoryRateWindows, type RateWindows } from '../limits/rate-windows.js';
import type { Logger } from '../observability/logger.js';

export interface RateLimitOptions {
  /** The limit's name in the shared store (`webchat`, `email`, …). */
  readonly name: string;
  readonly limit: number;
  readonly windowMs: number;
  /** Shared across instances; without it (tests) the count is this process's. */
  readonly shared?: RateWindows;
  readonly logger?: Logger;
}

/** Said at most this often while the shared count fails. */
const WARN_EVERY_MS = 60_000;

export class RateLimit {
  private readonly local = memoryRateWindows();
  private warnedAt = 0;

  constructor(private readonly options: RateLimitOptions) {}

  async allow(key: string, at = new Date()): Promise<boolean> {
    const { name, limit, windowMs, shared, logger } = this.options;
    let count: number;
    try {
      count = await (shared ?? this.local).hit(name, key, windowMs, at);
    } catch (error) {
      if (at.getTime() - this.warnedAt >= WARN_EVERY_MS) {
        this.warnedAt = at.getTime();
        logger?.warn({ err: error, limit: name }, 'shared rate limit unavailable; counting in this instance');
      }
      count = await this.local.hit(name, key, windowMs, at);
    }
    return count <= limit;
  }
}
