// Replies to reporters by email: in the thread of their mail (In-Reply-To,
// References, "Re: [ADU-…] subject"), with a Message-ID that names the
// ticket, text and HTML, photos attached, marked as an automatic reply.
import type { ChannelCapabilities, OutboundMessage } from '../../conversation/messages.js';
import { mailDomain, messageIdFor, replySubject } from '../../notifications/mail-threading.js';
import { type Mailer, textToHtml } from '../../notifications/mailer.js';
import { type ChannelSender, DeliveryError, photoToSend, type SendContext } from '../../outbox/sender.js';
import type { AttachmentStore } from '../../storage/attachments.js';
import type { EmailStore, EmailThread } from '../../storage/email-store.js';

export const EMAIL_CAPABILITIES: ChannelCapabilities = { knowsPhone: false, canRequestContact: false, canRequestLocation: false, buttons: false, oneShot: true };

export interface EmailSenderDeps {
  readonly mailer: Mailer;
  readonly threads: EmailStore;
  readonly attachments: AttachmentStore;
  /** The subject of a mail that answers nothing we know of. */
  readonly defaultSubject: string;
}

export class EmailSender implements ChannelSender {
  readonly channel = 'email' as const;
  readonly capabilities = EMAIL_CAPABILITIES;
  readonly delivery = 'push' as const;
  private readonly domain: string;

  constructor(private readonly deps: EmailSenderDeps) {
    this.domain = mailDomain(deps.mailer.from);
  }

  async send(address: string, message: OutboundMessage, { id, ticketNumber }: SendContext): Promise<{ providerMessageId?: string }> {
    const { threads, mailer } = this.deps;
    const key = ticketNumber ? `ticket:${ticketNumber}` : `addr:${address}`;
    const thread = await this.thread(address, ticketNumber);
    const messageId = messageIdFor('r', ticketNumber, id, this.domain);
    const attachments = message.photo ? [await photoToSend(this.deps.attachments, message.photo)] : [];
    try {
      await mailer.send({
        to: [address],
        subject: replySubject(thread?.subject, ticketNumber, this.deps.defaultSubject),
        text: message.text,
        html: textToHtml(message.text),
        attachments: attachments.map(({ ref, bytes }, i) => ({ filename: ref.filename ?? `foto-${String(i + 1)}`, content: bytes, contentType: ref.contentType })),
        messageId,
        ...(thread ? { inReplyTo: thread.messageId, references: thread.references } : {}),
        autoSubmitted: 'auto-replied',
      });
    } catch (error) {
      // 5xx: the server refuses for good (no such mailbox); anything else may pass later.
      const code = (error as { responseCode?: number }).responseCode;
      throw new DeliveryError(`SMTP: ${error instanceof Error ? error.message : String(error)}`, code !== undefined && code >= 500 && code < 600);
    }
    await threads.saveThread(key, { subject: thread?.subject ?? '', messageId, references: [...(thread?.references ?? []), messageId] });
    return { providerMessageId: messageId };
  }

  /**
   * A ticket's own thread, started from the reporter's latest mail the first time the ticket is written about,
   * and going on from their latest mail when it answers our last one in that thread.
   */
  private async thread(address: string, ticketNumber: string | undefined): Promise<EmailThread | undefined> {
    const { threads } = this.deps;
    const ofAddress = await threads.thread(`addr:${address}`);
    if (!ticketNumber) return ofAddress;
    const ofTicket = await threads.thread(`ticket:${ticketNumber}`);
    if (!ofTicket) return ofAddress ? threads.startThread(`ticket:${ticketNumber}`, ofAddress) : undefined;
    // Only the reporter's own mail (the address thread) can move the ticket's thread on, and only by answering it.
    if (ofAddress?.references.includes(ofTicket.messageId)) return { subject: ofTicket.subject, messageId: ofAddress.messageId, references: ofAddress.references };
    return ofTicket;
  }
}
