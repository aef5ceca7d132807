// The durable mail queue: every notice the service sends by email (agency
// notices, SLA reminders and escalations, reports) waits here until it is
// delivered or refused for good. Its id is the idempotency key of what it
// tells (e.g. `agencyNotice:ADU-2611-00042:v0`), so enqueuing is
// insert-if-absent and a notice is queued once however often it is asked for.

/** A photo stored in GridFS (by reference: its bytes are read when sending) or a small text file such as a CSV. */
export type NoticeAttachment =
  | { readonly filename: string; readonly contentType: string; readonly fileId: string }
  | { readonly filename: string; readonly contentType: string; readonly text: string };

export interface NoticeMail {
  readonly to: readonly string[];
  readonly subject: string;
  readonly text: string;
  readonly html?: string;
  /** Stable across retries, so a mail client can drop a copy sent twice. */
  readonly messageId: string;
  readonly replyTo?: string;
  readonly inReplyTo?: string;
  readonly references?: readonly string[];
  readonly attachments: readonly NoticeAttachment[];
}

export interface NewNotice {
  /** The idempotency key, e.g. `reminder:firstResponse:ADU-2611-00042:v0` or `report:daily:2026-11-24`. */
  readonly id: string;
  /** What it is: `agencyNotice`, `slaReminder`, `escalation`, `report`. */
  readonly kind: string;
  readonly ticketNumber?: string;
  readonly mail: NoticeMail;
}

export type NoticeStatus = 'pending' | 'sending' | 'sent' | 'failed';

export interface NoticeRecord extends NewNotice {
  readonly status: NoticeStatus;
  /** Attempts started so far, this one included while it is `sending`. */
  readonly attempts: number;
  /** While `sending`: until when its sender holds it (also the token that proves the hold). */
  readonly claimedUntil?: Date;
  readonly nextAttemptAt?: Date;
  readonly lastError?: string;
  readonly sentAt?: Date;
}

export interface NoticeStore {
  /**
   * Inserts the notice already claimed by the caller until `claimedUntil` (it
   * sends at once), or, with `claimedUntil` null, pending for whoever comes
   * next. Null when a notice with this id exists: it was enqueued before.
   */
  enqueue(notice: NewNotice, now: Date, claimedUntil: Date | null): Promise<NoticeRecord | null>;
  /** Takes a due pending (or abandoned) notice for sending until `until`; null if it is not due, someone has it, or it is done. */
  claim(id: string, until: Date, now: Date): Promise<NoticeRecord | null>;
  /** The next three apply only while the caller's claim (`claimedUntil`) holds; false when it was lost. */
  markSent(id: string, claimedUntil: Date, now: Date): Promise<boolean>;
  reschedule(id: string, claimedUntil: Date, at: Date, error: string): Promise<boolean>;
  markFailed(id: string, claimedUntil: Date, error: string, now: Date): Promise<boolean>;
  /** Pending notices whose time has come and notices whose sender's claim ran out. */
  due(now: Date, limit: number): Promise<NoticeRecord[]>;
  get(id: string): Promise<NoticeRecord | null>;
}
