// What each channel implements to deliver a message: only "deliver this".
// Everything shared (claiming, retries, backoff, ordering, status) is in the dispatcher.
import type { ChannelCapabilities, OutboundMessage } from '../conversation/messages.js';
import type { Channel } from '../tickets/model.js';

export interface ChannelSender {
  readonly channel: Channel;
  readonly capabilities: ChannelCapabilities;
  /**
   * `push`: the sender calls out to the channel. `pull`: the person's client
   * fetches its messages (the web chat), so a stored message is delivered.
   */
  readonly delivery: 'push' | 'pull';
  send(channelUserId: string, message: OutboundMessage): Promise<{ providerMessageId?: string }>;
}

/** A failed delivery. Permanent failures (the person blocked the bot) are not retried. */
export class DeliveryError extends Error {
  constructor(message: string, readonly permanent: boolean, readonly retryAfterMs?: number) {
    super(message);
    this.name = 'DeliveryError';
  }
}
