// The retention job (UU PDP 27/2022; README "Retention of personal data"): removes personal data past the
// periods in `retention`, oldest first, in batches, for half the job's lease at most (a run must not outlast
// it, or another instance would start the same work); what is left waits for the next run. Logs and stores
// counts per kind, never what was removed.
import type { Config } from '../../config/schema.js';
import type { Logger } from '../../observability/logger.js';
import { RETENTION_KINDS, type RetentionCounts, type RetentionPorts } from '../../storage/retention-runs.js';

export interface RetentionJobDeps {
  readonly config: Pick<Config, 'retention' | 'leases'>;
  readonly retention?: RetentionPorts | undefined;
  readonly logger: Logger;
  readonly clock?: () => Date;
}

export async function retentionJob({ config, retention, logger, clock = () => new Date() }: RetentionJobDeps): Promise<number> {
  if (!retention) {
    logger.warn({ job: 'retention' }, 'this job runs without the retention stores: nothing is removed');
    return 0;
  }
  const periods = config.retention;
  const now = clock();
  const before = (ms: number) => new Date(now.getTime() - ms);
  const until = new Date(Date.now() + config.leases.job / 2);
  const limit = periods.batch;
  const counts = Object.fromEntries(RETENTION_KINDS.map((k) => [k, 0])) as RetentionCounts;

  // Personal data first (it removes the photos too), then the photos of tickets still within that period.
  const anonymised = await retention.tickets.anonymiseFinished(before(periods.personalData), now, until, limit);
  const photos = await retention.tickets.removeFinishedPhotos(before(periods.photos), now, until, limit);
  const stray = await retention.sweeps.strayMessages(before(periods.rawInbound), until, limit * 10);
  // A person whose tickets are all anonymised, idle as long as a message of no ticket is kept.
  const idle = await retention.sweeps.idleConversations(before(periods.rawInbound), until, limit);
  counts.tickets = anonymised.tickets;
  counts.ticketPhotos = photos.tickets;
  counts.photos = anonymised.photos + photos.photos + stray.photos;
  counts.messages = anonymised.messages + photos.messages + stray.messages + idle.messages;
  counts.conversations = idle.conversations;
  counts.people = idle.people;
  counts.notices = await retention.sweeps.notices(before(periods.notices));
  counts.audit = await retention.sweeps.audit(before(periods.audit));

  const complete = Date.now() < until.getTime() && anonymised.tickets < limit && photos.tickets < limit;
  await retention.runs.save({ startedAt: now, finishedAt: clock(), complete, counts });
  logger.info({ job: 'retention', complete, ...counts }, 'retention run');
  return RETENTION_KINDS.reduce((sum, k) => sum + counts[k], 0);
}
