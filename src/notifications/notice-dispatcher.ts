// Delivers the mail queue (notice-store.ts). A notice is stored claimed by the
// instance that enqueues it, which sends it at once. A transient refusal (an
// SMTP 4xx, a connection that failed) is retried with exponential backoff by
// a timer in this instance when its time comes; an SMTP 5xx is permanent: the
// notice is marked failed with the reason. The `outboxRetry` job's sweep takes
// over notices whose time has come and claims abandoned by a dead instance.
// Exactly once: a notice is enqueued once (its id is its idempotency key) and
// sent by whoever holds its claim. A crash after the SMTP server accepted a
// mail but before it was marked sent sends it again after the claim ends; its
// Message-ID is the same, so mail clients drop the copy.
import { createHash } from 'node:crypto';
import type { Config } from '../config/schema.js';
import type { Logger } from '../observability/logger.js';
import type { ReportStore } from '../storage/report-store.js';
import type { AttachmentStore } from '../storage/attachments.js';
import { type Mail, type MailAttachment, type Mailer } from './mailer.js';
import { mailDomain } from './mail-threading.js';
import type { NewNotice, NoticeMail, NoticeRecord, NoticeStore } from './notice-store.js';

export interface NoticeDispatcherOptions {
  readonly maxAttempts?: number;
  /** How long a sender holds a notice before the sweep may take it over (longer than a send takes). */
  readonly claimMs?: number;
  readonly baseBackoffMs?: number;
  readonly maxBackoffMs?: number;
  readonly clock?: () => Date;
  /** Told after a notice was sent (e.g. to mark a report as mailed). */
  readonly onSent?: (notice: NoticeRecord, at: Date) => Promise<void>;
}

/** A notice as its producer gives it: the Message-ID is made from its id when it has none. */
export type NoticeInput = Omit<NewNotice, 'mail'> & { readonly mail: Omit<NoticeMail, 'messageId'> & { readonly messageId?: string } };

export class NoticeDispatcher {
  private readonly maxAttempts: number;
  private readonly claimMs: number;
  private readonly baseBackoffMs: number;
  private readonly maxBackoffMs: number;
  private readonly clock: () => Date;
  private readonly onSent: NoticeDispatcherOptions['onSent'];
  private readonly domain: string;
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly inFlight = new Set<Promise<unknown>>();
  private stopped = false;

  constructor(
    private readonly store: NoticeStore,
    private readonly mailer: Mailer,
    private readonly attachments: Pick<AttachmentStore, 'read'>,
    private readonly logger: Logger,
    options: NoticeDispatcherOptions = {},
  ) {
    this.maxAttempts = options.maxAttempts ?? 10;
    this.claimMs = options.claimMs ?? 60_000;
    this.baseBackoffMs = options.baseBackoffMs ?? 2_000;
    this.maxBackoffMs = options.maxBackoffMs ?? 15 * 60_000;
    this.clock = options.clock ?? (() => new Date());
    this.onSent = options.onSent;
    let domain = 'aduan.invalid';
    try {
      domain = mailDomain(mailer.from);
    } catch {
      // MAIL_FROM without a domain: the Message-IDs still need one.
    }
    this.domain = domain;
  }

  /** The address notices are sent from (MAIL_FROM). */
  get from(): string {
    return this.mailer.from;
  }

  /**
   * Queues a notice unless one with its id is queued already, and sends it at
   * once in the background. True when this call queued it.
   */
  async enqueue(notice: NoticeInput): Promise<boolean> {
    const now = this.clock();
    const mail: NoticeMail = { ...notice.mail, messageId: notice.mail.messageId ?? noticeMessageId(notice.id, notice.ticketNumber, this.domain) };
    // While stopping, leave it pending for the next instance (or this one after its restart).
    const claimedUntil = this.stopped ? null : new Date(now.getTime() + this.claimMs);
    const record = await this.store.enqueue({ ...notice, mail }, now, claimedUntil);
    if (!record) return false;
    if (record.status === 'sending') this.track(this.deliver(record));
    return true;
  }

  /** Sends what is due and what a dead instance left claimed; run by the `outboxRetry` job. Returns how many it attempted. */
  async sweep(limit = 200): Promise<number> {
    const due = await this.store.due(this.clock(), limit);
    let attempted = 0;
    const queue = [...due];
    const worker = async () => {
      for (let next = queue.shift(); next; next = queue.shift()) {
        const now = this.clock();
        const claimed = await this.store.claim(next.id, new Date(now.getTime() + this.claimMs), now);
        if (!claimed) continue; // taken by a retry timer or another instance meanwhile
        attempted++;
        await this.deliver(claimed);
      }
    };
    await Promise.all(Array.from({ length: Math.min(4, queue.length) }, worker));
    return attempted;
  }

  /** Waits for the sends in progress (tests). */
  async idle(): Promise<void> {
    while (this.inFlight.size > 0) await Promise.allSettled([...this.inFlight]);
  }

  /** Cancels the retry timers (the notices stay pending for the sweep) and waits for the sends in progress. */
  async stop(): Promise<void> {
    this.stopped = true;
    for (const timer of this.timers.values()) clearTimeout(timer);
    this.timers.clear();
    await this.idle();
  }

  private track(promise: Promise<unknown>): void {
    const tracked = promise.catch((error: unknown) => { this.logger.error({ err: error }, 'notice delivery crashed'); }).finally(() => this.inFlight.delete(tracked));
    this.inFlight.add(tracked);
  }

  /** Sends a notice this instance has claimed, then records what happened (under the same claim). */
  private async deliver(record: NoticeRecord): Promise<void> {
    const claim = record.claimedUntil;
    if (!claim) return;
    const about = { notice: record.id, kind: record.kind, ...(record.ticketNumber ? { ticket: record.ticketNumber } : {}), attempts: record.attempts };
    try {
      await this.mailer.send(await this.toMail(record));
    } catch (error) {
      const reason = describe(error);
      const code = (error as { responseCode?: unknown }).responseCode;
      const responseCode = typeof code === 'number' ? code : undefined;
      // A 5xx refuses this mail for good; a failed login (also 5xx) is our configuration, not the mail, so it is retried.
      const permanent = responseCode !== undefined && responseCode >= 500 && responseCode < 600 && (error as { code?: unknown }).code !== 'EAUTH';
      if (permanent || record.attempts >= this.maxAttempts) {
        await this.store.markFailed(record.id, claim, reason, this.clock());
        this.logger.warn({ ...about, responseCode }, permanent ? 'notice refused by the mail server; not retried' : 'notice failed too often; not retried');
        return;
      }
      const delay = this.backoff(record.attempts);
      const retryAt = new Date(this.clock().getTime() + delay);
      if (await this.store.reschedule(record.id, claim, retryAt, reason)) {
        this.logger.info({ ...about, responseCode, retryInMs: delay }, 'notice not sent; will be retried');
        this.retryAt(record.id, retryAt);
      }
      return;
    }
    const at = this.clock();
    if (!(await this.store.markSent(record.id, claim, at))) {
      this.logger.warn(about, 'notice sent after its claim ran out (it may go out twice)');
      return;
    }
    await this.onSent?.(record, at).catch((error: unknown) => { this.logger.error({ ...about, err: error }, 'after-send step failed'); });
  }

  /** Retries in this instance when the backoff ends; if it dies first, the sweep of any instance does. */
  private retryAt(id: string, at: Date): void {
    if (this.stopped) return;
    clearTimeout(this.timers.get(id));
    const timer = setTimeout(() => {
      this.timers.delete(id);
      this.track(
        (async () => {
          // A timer may fire a little early: the notice is due at `at` whatever the clock says.
          const now = new Date(Math.max(this.clock().getTime(), at.getTime()));
          const claimed = await this.store.claim(id, new Date(now.getTime() + this.claimMs), now);
          if (claimed) await this.deliver(claimed);
        })(),
      );
    }, Math.max(0, at.getTime() - this.clock().getTime()));
    this.timers.set(id, timer);
  }

  private async toMail(record: NoticeRecord): Promise<Mail> {
    const { mail } = record;
    const attachments: MailAttachment[] = [];
    for (const a of mail.attachments) {
      if ('text' in a) {
        attachments.push({ filename: a.filename, content: a.text, contentType: a.contentType });
        continue;
      }
      const stored = await this.attachments.read(a.fileId);
      if (stored) attachments.push({ filename: a.filename, content: stored.bytes, contentType: a.contentType });
      else this.logger.warn({ notice: record.id, fileId: a.fileId }, 'a photo of the notice is no longer stored; sent without it');
    }
    return {
      to: mail.to,
      subject: mail.subject,
      text: mail.text,
      ...(mail.html === undefined ? {} : { html: mail.html }),
      attachments,
      messageId: mail.messageId,
      ...(mail.replyTo === undefined ? {} : { replyTo: mail.replyTo }),
      ...(mail.inReplyTo === undefined ? {} : { inReplyTo: mail.inReplyTo }),
      ...(mail.references?.length ? { references: mail.references } : {}),
    };
  }

  private backoff(attempts: number): number {
    const exponential = Math.min(this.maxBackoffMs, this.baseBackoffMs * 2 ** (attempts - 1));
    return Math.round(exponential * (0.8 + Math.random() * 0.4));
  }
}

/**
 * The Message-ID of a notice that needs no particular one: the same on every
 * attempt. `aduan.n.` is not a thread our inbound mail matches (agency notices
 * and replies to reporters have their own ids, see mail-threading.ts).
 */
export function noticeMessageId(id: string, ticketNumber: string | undefined, domain: string): string {
  const hash = createHash('sha256').update(id).digest('hex').slice(0, 20);
  return `<aduan.n.${ticketNumber?.toLowerCase() ?? 'none'}.${hash}@${domain}>`;
}

function describe(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  const response = (error as { response?: unknown }).response;
  return typeof response === 'string' && response !== '' ? response : error.message;
}

/** The mail queue as the service and `npm run job` run it: retry settings from the configuration; a sent report mail marks its report. */
export function configuredNoticeDispatcher(
  config: Pick<Config, 'outbox' | 'leases'>,
  deps: { readonly store: NoticeStore; readonly mailer: Mailer; readonly attachments: Pick<AttachmentStore, 'read'>; readonly reports: Pick<ReportStore, 'markSent'>; readonly logger: Logger },
): NoticeDispatcher {
  return new NoticeDispatcher(deps.store, deps.mailer, deps.attachments, deps.logger, {
    baseBackoffMs: config.outbox.retryBase,
    maxBackoffMs: config.outbox.retryMax,
    maxAttempts: config.outbox.maxAttempts,
    claimMs: config.leases.outboxClaim,
    onSent: (notice, at) => (notice.kind === 'report' ? deps.reports.markSent(notice.id.slice('report:'.length), at) : Promise.resolve()),
  });
}
