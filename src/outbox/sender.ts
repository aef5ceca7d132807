// What each channel implements to deliver a message: only "deliver this".
// Everything shared (claiming, retries, backoff, ordering, status) is in the dispatcher.
import type { ChannelCapabilities, OutboundMessage } from '../conversation/messages.js';
import type { AttachmentStore } from '../storage/attachments.js';
import type { AttachmentRef, Channel } from '../tickets/model.js';
import type { PauseScope } from './pauses.js';

export interface ChannelSender {
  readonly channel: Channel;
  readonly capabilities: ChannelCapabilities;
  /**
   * `push`: the sender calls out to the channel. `pull`: the person's client
   * fetches its messages (the web chat), so a stored message is delivered.
   */
  readonly delivery: 'push' | 'pull';
  /**
   * True while another instance must send this channel's messages (a WhatsApp Web session lives in one
   * instance): the entry is left due for that one.
   */
  elsewhere?(): boolean;
  /**
   * Called once an entry has been left due (and unclaimed) for the instance that sends: the sender makes sure that
   * one hears of it. Only now, not in `elsewhere()`: told earlier, it could look while the entry is still claimed here.
   */
  leftElsewhere?(): void;
  /** `context`: the outbox entry's id (stable across retries) and the ticket the message is about. */
  send(channelUserId: string, message: OutboundMessage, context: SendContext): Promise<{ providerMessageId?: string }>;
}

export interface SendContext {
  readonly id: string;
  readonly ticketNumber?: string;
}

/**
 * A failed delivery. Permanent failures (the person blocked the bot) are not retried.
 * `pause`: the platform limits the rate of the whole channel (or of this chat): nothing of that
 * scope is sent until `retryAfterMs` has passed.
 */
export class DeliveryError extends Error {
  constructor(message: string, readonly permanent: boolean, readonly retryAfterMs?: number, readonly pause?: PauseScope) {
    super(message);
    this.name = 'DeliveryError';
  }
}

/** The bytes of a photo to send; a photo that is not stored can never be sent, so that failure is permanent. */
export async function photoToSend(attachments: AttachmentStore, photo: AttachmentRef): Promise<{ ref: AttachmentRef; bytes: Buffer }> {
  const stored = await attachments.read(photo.fileId);
  if (!stored) throw new DeliveryError(`photo ${photo.fileId} is not stored`, true);
  return stored;
}
