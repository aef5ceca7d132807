// The jobs, by name, and the schedule (a key of `schedules` in the
// configuration) each runs on. `npm run job -- <name>` runs one now.
import type { Config } from '../config/schema.js';
import type { ConversationRouter } from '../conversation/router.js';
import type { Mailer } from '../notifications/mailer.js';
import type { Logger } from '../observability/logger.js';
import type { OutboxDispatcher } from '../outbox/dispatcher.js';
import type { TicketService } from '../tickets/service.js';
import { askForConfirmation, closeUnconfirmed, remindToConfirm } from './jobs/confirmation.js';
import { dailyReport, monthlyReport } from './jobs/reports.js';
import { slaSweep } from './jobs/sla.js';
import type { ReportStore } from '../storage/report-store.js';
import type { SessionStore } from '../storage/operator-store.js';
import type { AttachmentStore } from '../storage/attachments.js';
import { sendDueAgencyNotices } from '../notifications/agency-notice.js';

export interface JobContext {
  readonly config: Config;
  readonly tickets: TicketService;
  readonly router: ConversationRouter;
  readonly outbox: OutboxDispatcher;
  /** Email to agencies and supervisors; undefined when SMTP is not configured. */
  readonly mailer: Mailer | undefined;
  readonly reports: ReportStore;
  /** Photos, attached to the agencies' ticket notices. */
  readonly attachments: AttachmentStore;
  /** Operator inbox logins, swept when they can no longer be used. */
  readonly sessions: SessionStore;
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
  outboxRetry: { schedule: 'outboxRetry', run: ({ outbox }) => outbox.sweep() },
  conversationExpiry: {
    schedule: 'conversationExpiry',
    run: async ({ router }) => (await router.expireIdle()) + (await router.recover(ORPHAN_AGE_MS)),
  },
  slaSweep: { schedule: 'slaSweep', run: (context) => slaSweep(context) },
  /** Notices the fast path (right after creation or transfer) could not send. */
  agencyNotices: { schedule: 'agencyNotice', run: (context) => sendDueAgencyNotices(context) },
  dailyReport: { schedule: 'dailyReport', run: (context) => dailyReport(context) },
  monthlyReport: { schedule: 'monthlyReport', run: (context) => monthlyReport(context) },
  /** MongoDB could expire them with a TTL index; FerretDB has none, so a sweep does it on both. */
  sessionCleanup: { schedule: 'sessionCleanup', run: ({ sessions, config }) => sessions.deleteExpired(new Date(), config.inbox.sessionIdle) },
  confirmations: {
    schedule: 'confirmationSweep',
    run: async (context) => (await askForConfirmation(context)) + (await remindToConfirm(context)) + (await closeUnconfirmed(context)),
  },
} as const satisfies Record<string, Job>;

export type JobName = keyof typeof JOBS;

export const isJobName = (name: string): name is JobName => name in JOBS;
