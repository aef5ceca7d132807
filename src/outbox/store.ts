// The durable outbox: outbound messages waiting for, or done with, delivery.
import type { OutboundMessage } from '../conversation/messages.js';
import type { Channel } from '../tickets/model.js';

/** An outbound message; its conversation and sequence number identify it, so reprocessing cannot enqueue it twice. */
export interface NewOutbound {
  readonly conversationKey: string;
  readonly channel: Channel;
  readonly channelUserId: string;
  readonly session: number;
  readonly seq: number;
  readonly ticketNumber?: string;
  /** The operator who wrote it (`operator:<username>`); the bot's own messages have none. */
  readonly author?: string;
  readonly message: OutboundMessage;
}

export interface OutboundRecord extends NewOutbound {
  readonly id: string;
  readonly attempts: number;
  /** While it is being sent: until when the sender's claim holds (also names the claim, see `reschedule`). */
  readonly claimedUntil?: Date;
  /** A settling acknowledgement is not sent before this. */
  readonly deliverAfter?: Date;
}

/**
 * How new entries start: `delivered` for pull channels (storing is delivering);
 * `claimed` for push channels, held by the enqueuing instance that sends them
 * at once, so no separate claim is needed on the fast path.
 */
export type InitialDelivery = { readonly kind: 'delivered' } | { readonly kind: 'claimed'; readonly claimedUntil: Date; readonly settleUntil?: Date };

export interface OutboxStore {
  /** Inserts; entries already there are left alone. Returns the records it inserted. */
  enqueue(entries: readonly NewOutbound[], now: Date, delivery: InitialDelivery): Promise<OutboundRecord[]>;
  /** Takes a pending (or abandoned) entry for delivery until `until`; null if someone else has it or it is done. */
  claim(id: string, until: Date, now: Date): Promise<OutboundRecord | null>;
  markSent(id: string, now: Date, providerMessageId?: string): Promise<void>;
  /**
   * Back to pending until `at`. With `claim` (the caller's claimedUntil) only while that claim still holds;
   * without, only an entry that is pending: a sent entry, or one another sender holds, is never brought back.
   * `refund`: it was claimed but not tried (held back), so the claim's attempt does not count.
   */
  reschedule(id: string, at: Date, error: string, options?: { readonly claim?: Date; readonly refund?: boolean }): Promise<void>;
  /** Whether a conversation's entry is done with (sent, failed for good, replaced, or never stored). */
  settled(conversationKey: string, seq: number): Promise<boolean>;
  /** Replaces a settling acknowledgement of this kind that has not gone out yet; false when it has (or is not one). */
  supersede(conversationKey: string, seq: number, kind: NonNullable<OutboundMessage['settle']>): Promise<boolean>;
  markFailed(id: string, error: string): Promise<void>;
  /** Entries due for (another) attempt, ordered by conversation and sequence. */
  due(now: Date, limit: number): Promise<OutboundRecord[]>;
  /** A channel's later word on a sent message (delivered, read, failed), found by the channel's id for it. */
  recordStatus(providerMessageId: string, status: string, at: Date, error?: string): Promise<void>;
  /** The outbound messages of a conversation after a sequence number (the web chat's poll). */
  after(conversationKey: string, seq: number, limit: number): Promise<OutboundRecord[]>;
}
