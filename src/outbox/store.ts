// The durable outbox: outbound messages waiting for, or done with, delivery.
import type { OutboundMessage } from '../conversation/messages.js';
import type { Channel } from '../tickets/model.js';

export interface NewOutbound {
  /** Deterministic (derived from the inbound message), so reprocessing cannot enqueue twice. */
  readonly messageId: string;
  readonly conversationKey: string;
  readonly channel: Channel;
  readonly channelUserId: string;
  readonly session: number;
  readonly seq: number;
  readonly ticketNumber?: string;
  readonly message: OutboundMessage;
}

export interface OutboundRecord extends NewOutbound {
  readonly id: string;
  readonly attempts: number;
}

export interface OutboxStore {
  /** Inserts; entries already there (same messageId) are left alone. `delivered` stores them as sent. */
  enqueue(entries: readonly NewOutbound[], now: Date, delivered: boolean): Promise<void>;
  /** Takes a pending (or abandoned) entry for delivery until `until`; null if someone else has it or it is done. */
  claim(id: string, until: Date, now: Date): Promise<OutboundRecord | null>;
  markSent(id: string, now: Date, providerMessageId?: string): Promise<void>;
  reschedule(id: string, at: Date, error: string): Promise<void>;
  markFailed(id: string, error: string): Promise<void>;
  /** Entries due for (another) attempt, ordered by conversation and sequence. */
  due(now: Date, limit: number): Promise<OutboundRecord[]>;
  /** The outbound messages of a conversation after a sequence number (the web chat's poll). */
  after(conversationKey: string, seq: number, limit: number): Promise<OutboundRecord[]>;
}
