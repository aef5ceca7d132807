// The one way the service stops, in three stages, each part registering
// what it undoes as it starts:
//   intake  stop taking work: channels stop polling, the HTTP server refuses
//           new requests, long polls and event streams end; at once, together
//   drain   finish what was taken: messages being processed, then their sends;
//           in order
//   close   hand back and close: connections, the embedded database; newest first
// Intake and drain share the grace period; what has not finished by then is
// left to the next start (the inbound log, outbox claims and leases recover
// it) and the close stage runs anyway, so the process still exits cleanly.
import type { Logger } from '../observability/logger.js';

export type Stage = 'intake' | 'drain' | 'close';

interface Task {
  readonly name: string;
  readonly run: () => Promise<void>;
}

/** A close step that hangs (a database that does not answer) is given up after this long. */
const CLOSE_STEP_LIMIT_MS = 5_000;

export class Lifecycle {
  private readonly tasks: Record<Stage, Task[]> = { intake: [], drain: [], close: [] };
  private stopping: Promise<void> | undefined;
  private readonly unfinished = new Set<string>();

  constructor(private readonly logger: Logger, private readonly graceMs: number) {}

  /** Registers what to do at `stage` when the service stops. */
  on(stage: Stage, name: string, run: () => Promise<void> | void): void {
    this.tasks[stage].push({ name, run: async () => { await run(); } });
  }

  /** Stops once; a second call waits for the first. */
  stop(): Promise<void> {
    this.stopping ??= this.run();
    return this.stopping;
  }

  private async run(): Promise<void> {
    const deadline = Date.now() + this.graceMs;
    await this.bounded('intake', Promise.all(this.tasks.intake.map((task) => this.attempt(task))), deadline);
    await this.bounded('drain', (async () => { for (const task of this.tasks.drain) await this.attempt(task); })(), deadline);
    for (const task of [...this.tasks.close].reverse()) await this.bounded('close', this.attempt(task), Date.now() + CLOSE_STEP_LIMIT_MS);
  }

  private async attempt(task: Task): Promise<void> {
    this.unfinished.add(task.name);
    try {
      await task.run();
    } catch (error) {
      this.logger.error({ err: error, step: task.name }, 'error while stopping');
    } finally {
      this.unfinished.delete(task.name);
    }
  }

  /** Waits for `work` until `deadline`; past it, says what was still going on and moves on. */
  private async bounded(stage: Stage, work: Promise<unknown>, deadline: number): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timedOut = await Promise.race([
      work.then(() => false),
      new Promise<boolean>((resolve) => { timer = setTimeout(() => { resolve(true); }, Math.max(0, deadline - Date.now())); }),
    ]);
    clearTimeout(timer);
    if (timedOut) this.logger.warn({ stage, steps: [...this.unfinished] }, 'stopping: unfinished work is left for the next start');
  }
}
