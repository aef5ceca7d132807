// A receiver that must run on one instance only (Telegram long polling, the
// IMAP mailbox, the WhatsApp Web session) runs under a lease in
// `job_leases`: the holder renews it every third of its time to live and
// stops receiving at once when a renewal says another instance has it, and
// before the lease can run out when renewals fail (the database is
// unreachable): never two receivers, even for a moment. The others try for
// it every third of the time to live, so a holder killed with SIGKILL is
// replaced within 4/3 of it (40 s at the default 30 s). A stop hands the
// lease back, so a restart or another instance takes over at once.
import type { Logger } from '../observability/logger.js';
import { sleep } from '../channels/sleep.js';
import type { JobLeases } from './lease.js';

/** A function: an abort during an await is invisible to the compiler's narrowing. */
const aborted = (signal: AbortSignal): boolean => signal.aborted;

export interface SingletonOptions {
  readonly leases: JobLeases;
  /** The lease's name in `job_leases` (`telegram:<bot>`, `email:<mailbox>`, …). */
  readonly name: string;
  /** This process; unique among the instances. */
  readonly owner: string;
  readonly ttlMs: number;
  readonly logger: Logger;
  /** Told when this instance starts (true) or stops (false) receiving. */
  readonly onRole?: (receiving: boolean) => void;
}

/** Receives until `held` aborts (the lease is lost or the service stops); may end earlier on its own. */
export type SingletonWork = (held: AbortSignal) => Promise<void>;

export class Singleton {
  private readonly stopping = new AbortController();
  private loop: Promise<void> | undefined;
  private holding = false;

  constructor(private readonly options: SingletonOptions) {}

  /** Whether this instance holds the lease and receives. */
  get receiving(): boolean {
    return this.holding;
  }

  start(work: SingletonWork): void {
    this.loop ??= this.run(work);
  }

  /** Ends the work and hands the lease back, so another instance need not wait for it to expire. */
  async stop(): Promise<void> {
    this.stopping.abort();
    await this.loop;
    await this.options.leases.release(this.options.name, this.options.owner).catch(() => undefined);
  }

  private async run(work: SingletonWork): Promise<void> {
    const { leases, name, owner, ttlMs, logger } = this.options;
    this.role(false);
    while (!aborted(this.stopping.signal)) {
      const takenAt = Date.now();
      if (!(await leases.take(name, owner, ttlMs).catch(() => false))) {
        await sleep(ttlMs / 3, this.stopping.signal);
        continue;
      }
      if (aborted(this.stopping.signal)) break;
      const held = new AbortController();
      const stop = () => { held.abort(); };
      this.stopping.signal.addEventListener('abort', stop, { once: true });
      const keeping = this.keep(held, takenAt);
      logger.info({ lease: name }, 'this instance receives now (lease taken)');
      this.role(true);
      try {
        await work(held.signal);
      } catch (error) {
        logger.error({ err: error, lease: name }, 'receiver failed');
      } finally {
        const lost = aborted(held.signal);
        held.abort();
        await keeping;
        this.stopping.signal.removeEventListener('abort', stop);
        this.role(false);
        // Ended on its own (a broken connection it gave up on): another instance may have better luck.
        if (!lost) await leases.release(name, owner).catch(() => undefined);
      }
      if (!aborted(this.stopping.signal)) await sleep(ttlMs / 3, this.stopping.signal);
    }
  }

  /**
   * Renews every third of the time to live. A renewal that says "another
   * owner" aborts at once; renewals that fail or hang abort a sixth of the
   * time to live before the lease (counted from the last good renewal's
   * start, the time the database stored) could be taken by another.
   */
  private async keep(held: AbortController, takenAt: number): Promise<void> {
    const { leases, name, owner, ttlMs, logger } = this.options;
    const margin = ttlMs / 6;
    const giveUp = () => {
      logger.warn({ lease: name }, 'lease could not be renewed in time: this instance stops receiving');
      held.abort();
    };
    let watchdog = setTimeout(giveUp, Math.max(0, takenAt + ttlMs - margin - Date.now()));
    while (!aborted(held.signal)) {
      await sleep(ttlMs / 3, held.signal);
      if (aborted(held.signal)) break;
      const started = Date.now();
      const renewed = await leases.take(name, owner, ttlMs).catch((error: unknown) => {
        logger.warn({ err: error, lease: name }, 'lease renewal failed; trying again');
        return undefined;
      });
      if (aborted(held.signal)) break;
      if (renewed === false) {
        logger.error({ lease: name }, 'lease taken by another instance: this instance stops receiving');
        held.abort();
      } else if (renewed) {
        clearTimeout(watchdog);
        watchdog = setTimeout(giveUp, Math.max(0, started + ttlMs - margin - Date.now()));
      }
    }
    clearTimeout(watchdog);
  }

  private role(receiving: boolean): void {
    this.holding = receiving;
    this.options.onRole?.(receiving);
  }
}
