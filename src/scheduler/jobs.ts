// The jobs, by name, and the schedule (a key of `schedules` in the
// configuration) each runs on. `npm run job -- <name>` runs one now.
import type { Config } from '../config/schema.js';
import type { ConversationRouter } from '../conversation/router.js';
import type { Mailer } from '../notifications/mailer.js';
import type { NoticeDispatcher } from '../notifications/notice-dispatcher.js';
import type { Logger } from '../observability/logger.js';
import type { OutboxDispatcher } from '../outbox/dispatcher.js';
import type { TicketService } from '../tickets/service.js';
import { askForConfirmation, closeUnconfirmed, remindToConfirm, reopenWithoutReason } from './jobs/confirmation.js';
import { dailyReport, monthlyReport } from './jobs/reports.js';
import { slaSweep } from './jobs/sla.js';
import { retentionJob } from './jobs/retention.js';
import type { RetentionPorts } from '../storage/retention-runs.js';
import type { ReportStore } from '../storage/report-store.js';
import type { SessionStore } from '../storage/operator-store.js';
import type { AttachmentStore } from '../storage/attachments.js';
import { sendDueAgencyNotices } from '../notifications/agency-notice.js';
import { sendDueMilestones } from '../notifications/milestones.js';

export interface JobContext {
  readonly config: Config;
  readonly tickets: TicketService;
  readonly router: ConversationRouter;
  readonly outbox: OutboxDispatcher;
  /** Email to agencies and supervisors; undefined when SMTP is not configured. */
  readonly mailer: Mailer | undefined;
  /**
   * The durable mail queue every notice goes through (SLA, agency, reports);
   * undefined when SMTP is not configured. Absent with a mailer, mail jobs send nothing and say so.
   */
  readonly notices?: NoticeDispatcher | undefined;
  readonly reports: ReportStore;
  /** Photos, attached to the agencies' ticket notices. */
  readonly attachments: AttachmentStore;
  /** Operator inbox logins, swept when they can no longer be used. */
  readonly sessions: SessionStore;
  /** Personal data past its retention period (absent: the retention job does nothing and says so). */
  readonly retention?: RetentionPorts | undefined;
  readonly logger: Logger;
}

export interface Job {
  /** The key in `schedules` that says when it runs. */
  readonly schedule: string;
  /** Does one round of work; returns how many items it handled. */
  run(context: JobContext): Promise<number>;
}

/** Messages recorded by an instance that died before processing them are at least this old. */
const ORPHAN_AGE_MS = 60_000;

export const JOBS = {
  /** Also the mail queue: notices whose retry is due, or whose sender died. */
  outboxRetry: { schedule: 'outboxRetry', run: async (context) => (await context.outbox.sweep()) + ((await noticesOf(context)?.sweep()) ?? 0) },
  conversationExpiry: {
    schedule: 'conversationExpiry',
    run: async ({ router }) => (await router.expireIdle()) + (await router.recover(ORPHAN_AGE_MS)),
  },
  slaSweep: { schedule: 'slaSweep', run: (context) => slaSweep({ ...context, notices: noticesOf(context) }) },
  /** Notices the fast path (right after creation or transfer) did not queue. */
  agencyNotices: { schedule: 'agencyNotice', run: (context) => sendDueAgencyNotices({ ...context, notices: noticesOf(context) }) },
  dailyReport: { schedule: 'dailyReport', run: (context) => dailyReport({ ...context, notices: noticesOf(context) }) },
  monthlyReport: { schedule: 'monthlyReport', run: (context) => monthlyReport({ ...context, notices: noticesOf(context) }) },
  /** MongoDB could expire them with a TTL index; FerretDB has none, so a sweep does it on both. */
  sessionCleanup: { schedule: 'sessionCleanup', run: ({ sessions, config }) => sessions.deleteExpired(new Date(), config.inbox.sessionIdle) },
  confirmations: {
    schedule: 'confirmationSweep',
    run: async (context) => (await askForConfirmation(context)) + (await remindToConfirm(context)) + (await reopenWithoutReason(context)) + (await closeUnconfirmed(context)),
  },
  /** Milestone messages to reporters that the fast path (right after the transition) did not send. */
  milestones: { schedule: 'milestoneSweep', run: (context) => sendDueMilestones(context) },
  /** Photos stored before metadata was stripped (the first runs after an upgrade; then nothing to do). */
  photoMetadata: { schedule: 'photoMetadata', run: cleanStoredPhotos },
  /** Personal data past its retention period (config `retention`): anonymised or deleted, counts kept for admins. */
  retention: { schedule: 'retention', run: (context) => retentionJob(context) },
} as const satisfies Record<string, Job>;

export type JobName = keyof typeof JOBS;

/**
 * Photos stored before metadata was stripped, for half the job's lease (a run must not outlast it,
 * or another instance would start the same work); what is left waits for the next run.
 */
async function cleanStoredPhotos({ attachments, config, logger }: JobContext): Promise<number> {
  const { handled, failed } = await attachments.cleanStoredImages(new Date(Date.now() + config.leases.job / 2));
  if (failed > 0) logger.warn({ job: 'photoMetadata', failed }, 'stored photos could not be cleaned of their metadata; the next run tries again');
  return handled;
}

/** The mail queue, and a warning when SMTP is set up but the caller gave no queue (nothing is mailed then; deadlines wait). */
function noticesOf(context: JobContext): NoticeDispatcher | undefined {
  if (context.notices === undefined && context.mailer !== undefined) context.logger.warn('mail is configured but this job runs without the notice queue: no notice is sent');
  return context.notices;
}

export const isJobName = (name: string): name is JobName => name in JOBS;
