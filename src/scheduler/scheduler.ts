// Runs the jobs on their cron schedules (time zone of the city). Before each
// tick the instance takes the job's lease, so one instance runs it at a time
// and another takes over when the holder dies; the jobs themselves are safe
// to run twice anyway (atomic conditional updates).
import { randomBytes } from 'node:crypto';
import { hostname } from 'node:os';
import cron, { type ScheduledTask } from 'node-cron';
import { type JobContext, JOBS, type JobName } from './jobs.js';
import type { JobLeases } from './lease.js';

export interface Scheduler {
  /** Runs one job now under its lease; false when another instance holds it. */
  runNow(job: JobName): Promise<{ ran: boolean; handled: number }>;
  stop(): Promise<void>;
}

export function startScheduler(context: JobContext, leases: JobLeases, owner = `${hostname()}:${String(process.pid)}:${randomBytes(3).toString('hex')}`): Scheduler {
  const runNow = async (name: JobName) => {
    if (!(await leases.take(name, owner, context.config.leases.job))) return { ran: false, handled: 0 };
    try {
      const handled = await JOBS[name].run(context);
      if (handled > 0) context.logger.info({ job: name, handled }, 'job done');
      return { ran: true, handled };
    } finally {
      await leases.release(name, owner);
    }
  };

  const tasks: ScheduledTask[] = [];
  const running = new Set<Promise<void>>();
  for (const name of Object.keys(JOBS) as JobName[]) {
    const expression = context.config.schedules[JOBS[name].schedule];
    if (expression === undefined) continue;
    let busy = false;
    const tick = async () => {
      // A tick still running when the next comes (a slow sweep): the next is skipped. Done here rather than
      // with node-cron's noOverlap, which writes a plain-text warning to stdout past the JSON log.
      if (busy) return;
      busy = true;
      const run = runNow(name).then(
        () => undefined,
        (error: unknown) => { context.logger.error({ job: name, err: error }, 'job failed'); },
      );
      running.add(run);
      await run.finally(() => {
        running.delete(run);
        busy = false;
      });
    };
    tasks.push(cron.schedule(expression, tick, { name, timezone: context.config.city.timezone }));
  }

  return {
    runNow,
    async stop() {
      for (const task of tasks) await task.stop();
      // Let running ticks finish and release their leases while the database is still there.
      await Promise.all(running);
    },
  };
}
