// Periodic work the conversation side needs: retrying the outbox, ending
// idle conversations, and picking up messages another instance recorded but
// never processed. Each is safe to run on every instance at once (atomic
// claims and leases); the scheduler issue adds job leases and the SLA jobs.
import cron, { type ScheduledTask } from 'node-cron';
import type { Config } from '../config/schema.js';
import type { ConversationRouter } from '../conversation/router.js';
import type { Logger } from '../observability/logger.js';
import type { OutboxDispatcher } from '../outbox/dispatcher.js';

const ORPHAN_AGE_MS = 60_000;

export function startJobs(config: Config, { router, outbox }: { router: ConversationRouter; outbox: OutboxDispatcher }, logger: Logger): { stop(): Promise<void> } {
  const run = (name: string, work: () => Promise<number>) => async () => {
    try {
      const count = await work();
      if (count > 0) logger.info({ job: name, count }, 'job done');
    } catch (error) {
      logger.error({ job: name, err: error }, 'job failed');
    }
  };
  const schedule = (name: string, expression: string | undefined, work: () => Promise<number>): ScheduledTask | undefined =>
    expression === undefined ? undefined : cron.schedule(expression, run(name, work), { name, timezone: config.city.timezone, noOverlap: true });

  const tasks = [
    schedule('outboxRetry', config.schedules.outboxRetry, () => outbox.sweep()),
    schedule('conversationExpiry', config.schedules.conversationExpiry, async () => (await router.expireIdle()) + (await router.recover(ORPHAN_AGE_MS))),
  ].filter((t): t is ScheduledTask => t !== undefined);

  return {
    async stop() {
      for (const task of tasks) await task.stop();
    },
  };
}
