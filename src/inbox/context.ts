// What the inbox's routes share: configuration, stores, services.
import type { FastifyBaseLogger, FastifyInstance, RawReplyDefaultExpression, RawRequestDefaultExpression, RawServerDefault } from 'fastify';
import type { ZodTypeProvider } from 'fastify-type-provider-zod';
import type { Config } from '../config/schema.js';
import type { ConversationRouter } from '../conversation/router.js';
import type { AttachmentStore } from '../storage/attachments.js';
import type { AuditStore } from '../storage/audit-store.js';
import type { InboxStore } from '../storage/inbox-store.js';
import type { OperatorStore } from '../storage/operator-store.js';
import type { ReportStore } from '../storage/report-store.js';
import type { Scheduler } from '../scheduler/scheduler.js';
import type { TicketService } from '../tickets/service.js';
import type { IdempotencyDeps } from './idempotency.js';
import type { Authenticator } from './auth/authenticator.js';
import type { CannedResponse } from './canned.js';
import type { InboxEvents } from './events.js';
import type { RateWindows } from '../limits/rate-windows.js';

export interface InboxContext {
  readonly config: Config;
  readonly tickets: TicketService;
  readonly router: ConversationRouter;
  readonly attachments: AttachmentStore;
  readonly inbox: InboxStore;
  readonly operators: OperatorStore;
  readonly authenticator: Authenticator;
  readonly audit: AuditStore;
  readonly events: InboxEvents;
  readonly reports: ReportStore;
  readonly canned: readonly CannedResponse[];
  readonly clock: () => Date;
  /** Counts shared by every instance (the login throttle per address). */
  readonly rateWindows: RateWindows;
  /** Idempotency keys of actions (routes add `idempotent(ctx.idempotency)` after their guard). */
  readonly idempotency: IdempotencyDeps;
  /** The scheduler, once started (after the inbox): "generate the report now" runs a job under its lease. */
  readonly jobs: { scheduler?: Pick<Scheduler, 'runNow'> };
}

export type InboxApp = FastifyInstance<RawServerDefault, RawRequestDefaultExpression, RawReplyDefaultExpression, FastifyBaseLogger, ZodTypeProvider>;
