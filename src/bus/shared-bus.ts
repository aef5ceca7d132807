// The bus shared by every instance on one database: local subscribers hear a
// signal at once; it is also appended to the `events` collection, which every
// instance reads every `pollInterval` by `_id` (./sequence.ts), delivering
// what the others published and ignoring its own. One mechanism on MongoDB and
// on the embedded FerretDB (README, "Live updates across instances").
import { randomUUID } from 'node:crypto';
import type { Logger } from '../observability/logger.js';
import { type Bus, LocalTopics, type SignalListener, type SignalPayload } from './bus.js';
import { planRead, type ReaderState, settle, startAt } from './sequence.js';

export interface NewEvent {
  readonly topic: string;
  readonly payload: SignalPayload;
}

export interface StoredEvent extends NewEvent {
  readonly seq: number;
  /** The instance that published it. */
  readonly origin: string;
  readonly at: Date;
}

/** The `events` collection (src/storage/event-log.ts). */
export interface EventLog {
  /** The last sequence number taken (0 before the first). */
  latest(): Promise<number>;
  /** Takes the next numbers and stores the events under them, in order. */
  append(origin: string, events: readonly NewEvent[], at: Date): Promise<void>;
  /** The events stored under these numbers (those that exist), each read by `_id`. */
  read(seqs: readonly number[]): Promise<StoredEvent[]>;
  /** Removes the events numbered up to `seq`. */
  prune(upTo: number): Promise<void>;
}

export interface SharedBusOptions {
  readonly log: EventLog;
  readonly pollMs: number;
  /** How long an event is kept before pruning. */
  readonly keepMs: number;
  readonly logger?: Logger;
  /** A missing number (its writer between taking it and inserting, or dead) is waited for this long. */
  readonly gapGraceMs?: number;
  /** New events read in one poll at most; a reader further behind skips the oldest (they are stale hints). */
  readonly maxPerPoll?: number;
  /** Events appended in one write at most. */
  readonly maxPerAppend?: number;
  readonly clock?: () => number;
  /** Told, for each event from another instance, how long ago it was published (a metric). */
  readonly onDelivered?: (delayMs: number) => void;
}

/** A poll is retried this soon while a number is newly missing: its writer is most likely a millisecond from inserting it. */
const GAP_RECHECK_MS = 40;
/** Past this, a missing number is only asked for at the usual interval until the grace ends. */
const GAP_HURRY_MS = 500;

export class SharedBus implements Bus {
  /** This process: its own events coming back from the collection are not delivered twice. */
  readonly instance = randomUUID();
  private readonly topics = new LocalTopics();
  private readonly queue: NewEvent[] = [];
  private appending: Promise<void> | undefined;
  private reader: ReaderState | undefined;
  private timer: NodeJS.Timeout | undefined;
  private polling: Promise<void> | undefined;
  private stopped = false;
  private readonly failing = new Set<'read' | 'write' | 'prune'>();
  /** [when, counter then]: what was published before a mark older than `keepMs` is pruned. */
  private readonly marks: { at: number; seq: number }[] = [];
  private readonly clock: () => number;

  constructor(private readonly options: SharedBusOptions) {
    this.clock = options.clock ?? Date.now;
  }

  publish(topic: string, payload: SignalPayload): void {
    this.topics.deliver(topic, payload);
    // Still appended after stop(): what the draining messages change must reach the other instances' operators.
    this.queue.push({ topic, payload });
    this.kick();
  }

  subscribe(topic: string, listener: SignalListener): () => void {
    return this.topics.subscribe(topic, listener);
  }

  /** Starts reading from now on (earlier events are not replayed). */
  async start(): Promise<void> {
    this.reader = startAt(await this.options.log.latest());
    this.schedule(this.options.pollMs);
  }

  /** Stops reading (the lifecycle's intake stage); resolves once a poll under way has finished. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.polling;
  }

  /** Numbers taken by a writer but not yet found: waited for, then given up (tests, diagnostics). */
  get waitingFor(): number {
    return this.reader?.missing.size ?? 0;
  }

  /** Resolves once everything published so far is in the collection (tests, shutdown). */
  async flushed(): Promise<void> {
    while (this.appending) await this.appending;
  }

  /** One read of what the others published; the timer calls it, tests may too. */
  async poll(): Promise<void> {
    const reader = this.reader;
    if (!reader) return;
    const { log } = this.options;
    const latest = await log.latest();
    const plan = planRead(reader, latest, this.options.maxPerPoll ?? 500);
    const events = plan.seqs.length > 0 ? await log.read(plan.seqs) : [];
    const now = this.clock();
    const settled = settle(reader, latest, plan, new Set(events.map((e) => e.seq)), now, this.options.gapGraceMs ?? 5_000);
    this.reader = settled.state;
    if (plan.skipped > 0 || settled.abandoned.length > 0) this.options.logger?.warn({ skipped: plan.skipped, abandoned: settled.abandoned.length }, 'live updates from other instances were skipped');
    for (const event of events.sort((a, b) => a.seq - b.seq)) {
      if (event.origin === this.instance) continue;
      this.topics.deliver(event.topic, event.payload);
      this.options.onDelivered?.(Math.max(0, this.clock() - event.at.getTime()));
    }
    await this.prune(now, latest).then(
      () => { this.failing.delete('prune'); },
      (error: unknown) => { this.failed('prune', error, 'pruning old live updates failed; trying again later'); },
    );
  }

  private newlyMissing(): boolean {
    const now = this.clock();
    for (const since of this.reader?.missing.values() ?? []) if (now - since < GAP_HURRY_MS) return true;
    return false;
  }

  private schedule(ms: number): void {
    if (this.stopped) return;
    this.timer = setTimeout(() => {
      this.polling = this.poll()
        .then(() => {
          if (this.failing.has('read')) this.options.logger?.info('reading live updates from other instances again');
          this.failing.delete('read');
        }, (error: unknown) => { this.failed('read', error, 'reading live updates from other instances failed; trying again every poll'); })
        .finally(() => {
          this.polling = undefined;
          this.schedule(this.newlyMissing() ? Math.min(GAP_RECHECK_MS, this.options.pollMs) : this.options.pollMs);
        });
    }, ms);
    // A timer never keeps the process alive: stopping is the lifecycle's business.
    this.timer.unref();
  }

  /** One write at a time; what is published meanwhile goes in the next one (batching costs no waiting). */
  private kick(): void {
    if (this.appending) return;
    // Cleared only once the writing is over, whether the log answered at once or failed before any await.
    this.appending = this.flush().finally(() => {
      this.appending = undefined;
      if (this.queue.length > 0) this.kick();
    });
  }

  private async flush(): Promise<void> {
    while (this.queue.length > 0) {
      const batch = this.queue.splice(0, this.options.maxPerAppend ?? 200);
      try {
        await this.options.log.append(this.instance, batch, new Date(this.clock()));
        this.failing.delete('write');
      } catch (error) {
        // A signal is a hint: the others find the change on their next reload or recheck. Not retried, not fatal.
        this.failed('write', error, 'live updates could not be shared with other instances');
      }
    }
  }

  /** Says so once per outage (a database away for a minute would otherwise log four lines a second). */
  private failed(what: 'read' | 'write' | 'prune', error: unknown, message: string): void {
    if (!this.failing.has(what)) this.options.logger?.warn({ err: error }, message);
    this.failing.add(what);
  }

  private async prune(now: number, latest: number): Promise<void> {
    const { keepMs } = this.options;
    const last = this.marks.at(-1);
    if (!last || now - last.at >= keepMs / 5) this.marks.push({ at: now, seq: latest });
    let upTo: number | undefined;
    while (this.marks[0] && now - this.marks[0].at >= keepMs) upTo = this.marks.shift()?.seq;
    if (upTo !== undefined && upTo > 0) await this.options.log.prune(upTo);
  }
}
