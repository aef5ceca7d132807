// The email channel: mail from the inbox becomes normalised messages for the
// conversation router (one email is one report), agencies' answers to their
// ticket notices go to the ticket, and loops never start. Replies go out
// through the outbox and EmailSender.
import type { AgencyConfig } from '../../config/schema.js';
import type { InboundMessage, PhotoInput } from '../../conversation/messages.js';
import type { ConversationRouter } from '../../conversation/router.js';
import { mailAddress, mailDomain, matchThread } from '../../notifications/mail-threading.js';
import type { Mailer } from '../../notifications/mailer.js';
import type { HealthRegistry } from '../../observability/health.js';
import type { Logger } from '../../observability/logger.js';
import type { OutboxDispatcher } from '../../outbox/dispatcher.js';
import type { JobLeases } from '../../scheduler/lease.js';
import type { AttachmentStore } from '../../storage/attachments.js';
import type { EmailStore } from '../../storage/email-store.js';
import { storeDocument, storePhoto } from '../photo-intake.js';
import type { RateWindows } from '../../limits/rate-windows.js';
import { RateLimit } from '../rate-limit.js';
import { ignoreReason } from './classify.js';
import { type Handled, type MailboxSettings, MailboxWatcher } from './mailbox.js';
import { type EmailAttachment, parseEmail, type ParsedEmail } from './parse.js';
import { newText } from './reply-text.js';
import { EmailSender } from './sender.js';

export interface EmailChannelDeps {
  readonly mailbox: MailboxSettings;
  readonly mailer: Mailer;
  readonly store: EmailStore;
  readonly leases: JobLeases;
  readonly owner: string;
  /** The mailbox lease's time to live (`leases.singleton`). */
  readonly leaseMs?: number;
  readonly router: ConversationRouter;
  readonly outbox: OutboxDispatcher;
  readonly attachments: AttachmentStore;
  readonly agencies: readonly AgencyConfig[];
  readonly allowedFileTypes: readonly string[];
  readonly rateLimit: { readonly messages: number; readonly perMs: number };
  /** Counts shared by every instance (the limit per sender). */
  readonly rateWindows?: RateWindows;
  readonly cityName: string;
  readonly health: HealthRegistry;
  readonly logger: Logger;
}

/** Images smaller than this inside a mail are logos and spacers, not photos of the problem. */
const MIN_INLINE_IMAGE_BYTES = 4_096;

export class EmailChannel {
  private readonly watcher: MailboxWatcher;
  private readonly domain: string;
  private readonly ownAddresses: string[];
  private readonly limit: RateLimit;
  /** Agency contact and supervisor addresses → agency code. */
  private readonly agencyOf = new Map<string, string>();

  constructor(private readonly deps: EmailChannelDeps) {
    this.domain = mailDomain(deps.mailer.from);
    this.ownAddresses = [...new Set([mailAddress(deps.mailer.from), deps.mailbox.user.toLowerCase()])];
    this.limit = new RateLimit({ name: 'email', limit: deps.rateLimit.messages, windowMs: deps.rateLimit.perMs, ...(deps.rateWindows ? { shared: deps.rateWindows } : {}), logger: deps.logger });
    for (const agency of deps.agencies) {
      this.agencyOf.set(agency.contacts.email.toLowerCase(), agency.code);
      for (const supervisor of agency.supervisors) if (supervisor.email) this.agencyOf.set(supervisor.email.toLowerCase(), agency.code);
    }
    deps.outbox.register(new EmailSender({ mailer: deps.mailer, threads: deps.store, attachments: deps.attachments, defaultSubject: `Pengaduan — ${deps.cityName}` }));
    deps.health.set('email', 'starting');
    this.watcher = new MailboxWatcher({
      settings: deps.mailbox,
      store: deps.store,
      leases: deps.leases,
      owner: deps.owner,
      ...(deps.leaseMs === undefined ? {} : { leaseMs: deps.leaseMs }),
      handler: this,
      logger: deps.logger,
      onState: (state, detail) => { deps.health.set('email', state === 'standby' ? 'up' : state, { detail: { mailbox: deps.mailbox.mailbox, role: state === 'standby' ? 'standby' : 'reader' }, receiving: state !== 'standby', ...(detail && state !== 'standby' ? { lastError: detail } : {}) }); },
    });
  }

  start(): void {
    this.watcher.start();
  }

  stop(): Promise<void> {
    return this.watcher.stop();
  }

  /** Looks for new mail now instead of at the next IDLE notice or poll. */
  poke(): void {
    this.watcher.poke();
  }

  async handle(source: Buffer): Promise<Handled> {
    let mail: ParsedEmail;
    try {
      mail = await parseEmail(source);
    } catch (error) {
      this.deps.logger.error({ err: error, bytes: source.byteLength }, 'unreadable email left flagged in the mailbox for a person');
      return 'for_a_person';
    }
    const from = mail.from?.address;
    const ignored = ignoreReason({ from, headers: mail.headers, subject: mail.subject }, this.ownAddresses);
    if (ignored || from === undefined) {
      this.deps.logger.info({ reason: ignored, from, messageId: mail.messageId }, 'email not answered');
      return 'ignored';
    }
    const thread = matchThread({ ...(mail.inReplyTo ? { inReplyTo: mail.inReplyTo } : {}), references: mail.references, subject: mail.subject }, this.domain);

    const agency = this.agencyOf.get(from);
    if (thread?.kind === 'a' || (agency && thread?.ticketNumber)) {
      if (!agency || !thread.ticketNumber) {
        this.deps.logger.warn({ from, messageId: mail.messageId }, 'reply to an agency notice from an address no agency has; left flagged for a person');
        return 'for_a_person';
      }
      // Through the inbound log and the conversation chain like every message (its agency-reply handler).
      const handled = await this.deps.router.handle({
        channel: 'email',
        channelUserId: from,
        messageId: mail.messageId,
        at: new Date(),
        text: newText(mail.text),
        photos: await this.attachmentsOf(mail.attachments),
        sender: { email: from, ...(mail.from?.name ? { name: mail.from.name } : {}) },
        replyTo: { ticketNumber: thread.ticketNumber },
        agency,
      });
      return handled.setAside === undefined ? 'stored' : 'for_a_person';
    }

    if (!(await this.limit.allow(from))) {
      this.deps.logger.warn({ from, messageId: mail.messageId }, 'sender over the email rate limit; mail set aside unanswered');
      return 'ignored';
    }
    // What our reply must refer to, stored before the message can be answered.
    await this.deps.store.saveThread(`addr:${from}`, { subject: mail.subject, messageId: mail.messageId, references: [...mail.references, mail.messageId] });
    const body = newText(mail.text);
    const message: InboundMessage = {
      channel: 'email',
      channelUserId: from,
      messageId: mail.messageId,
      at: new Date(),
      // A reply is its new words; a new mail is its subject and body, the whole report.
      text: thread || body.startsWith(mail.subject) ? body : [mail.subject, body].filter(Boolean).join('\n\n'),
      photos: await this.attachmentsOf(mail.attachments),
      sender: { email: from, ...(mail.from?.name ? { name: mail.from.name } : {}) },
      ...(thread?.ticketNumber ? { replyTo: { ticketNumber: thread.ticketNumber } } : {}),
    };
    await this.deps.router.handle(message);
    return 'stored';
  }

  async oversize({ from, subject, size }: { from?: string; subject?: string; size: number }): Promise<void> {
    const address = from?.toLowerCase();
    if (!address || ignoreReason({ from: address, headers: new Map(), subject: subject ?? '' }, this.ownAddresses)) return;
    const megabytes = (bytes: number) => `${String(Math.round(bytes / 1_048_576))} MB`;
    this.deps.logger.warn({ from: address, size }, 'email too large to download; the sender is told');
    await this.deps.mailer.send({
      to: [address],
      subject: `Re: ${subject ?? ''}`.trim(),
      text:
        `Maaf, email Anda (${megabytes(size)}) melebihi batas ${megabytes(this.deps.mailbox.maxMessageBytes)} sehingga tidak dapat kami proses. ` +
        'Mohon kirim ulang dengan foto yang lebih kecil atau lebih sedikit.\n\n' +
        `Sorry, your email (${megabytes(size)}) is larger than our limit of ${megabytes(this.deps.mailbox.maxMessageBytes)}, so we could not process it. ` +
        'Please send it again with fewer or smaller photos.',
      autoSubmitted: 'auto-replied',
    });
  }

  /** Photos (attached or pasted inline) and allowed documents, stored the way every channel stores them. */
  private async attachmentsOf(attachments: readonly EmailAttachment[]): Promise<PhotoInput[]> {
    const inputs: PhotoInput[] = [];
    for (const attachment of attachments) {
      const image = attachment.contentType.startsWith('image/');
      if (image && attachment.inline && attachment.content.byteLength < MIN_INLINE_IMAGE_BYTES) continue;
      if (!image && attachment.contentType.startsWith('message/')) continue; // a forwarded or bounced mail's body
      const input = { bytes: attachment.content, ...(attachment.filename ? { filename: attachment.filename } : {}), source: 'email' };
      inputs.push(image ? await storePhoto(this.deps.attachments, input) : await storeDocument(this.deps.attachments, { ...input, contentType: attachment.contentType }, this.deps.allowedFileTypes));
    }
    return inputs;
  }
}
