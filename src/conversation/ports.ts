// What the router needs from storage; MongoDB implementations are in src/storage/.
import type { Channel } from '../tickets/model.js';
import type { InboundMessage } from './messages.js';
import type { ConversationState } from './state.js';

export interface RecordedInbound {
  readonly id: string;
  readonly conversationKey: string;
  readonly message: InboundMessage;
}

/** The durable inbound log: written before processing, unique on channel + messageId. */
export interface InboundLog {
  /** `now` is when this service received it; the message's own `at` is the channel's (the sender's clock, often whole seconds). */
  record(message: InboundMessage, conversationKey: string, now: Date): Promise<{ id: string; duplicate: boolean }>;
  markProcessed(id: string, link: { session: number; ticketNumber?: string }, now: Date): Promise<void>;
  isPending(id: string): Promise<boolean>;
  /** Messages recorded before `before` and never processed (a crash in between), oldest first. */
  unprocessed(before: Date, limit: number): Promise<RecordedInbound[]>;
}

export interface ConversationRecord {
  readonly key: string;
  readonly channel: Channel;
  readonly channelUserId: string;
  readonly state?: ConversationState;
  readonly session: number;
  readonly outSeq: number;
  readonly lastInboundId?: string;
  readonly ticketNumber?: string;
  readonly lastActivityAt?: Date;
  readonly expiresAt?: Date;
  /** Keys of the last notices sent by `notify` with a key (see NotifyOptions.key). */
  readonly noticeKeys?: readonly string[];
}

export interface ConversationChanges {
  readonly state: ConversationState;
  readonly session: number;
  readonly outSeq: number;
  readonly lastInboundId?: string;
  readonly ticketNumber?: string | null;
  readonly lastActivityAt: Date;
  readonly expiresAt: Date | null;
  /** Replaces the remembered notice keys (stored in the same update as the state). */
  readonly noticeKeys?: readonly string[];
}

export interface ConversationStore {
  /** Loads (creating if new) and leases a conversation; null while another owner holds an unexpired lease. */
  acquire(key: { channel: Channel; channelUserId: string }, owner: string, leaseUntil: Date, now: Date): Promise<ConversationRecord | null>;
  /** Stores the changes and releases the lease, if the lease is still ours. */
  saveAndRelease(key: string, owner: string, changes: ConversationChanges): Promise<boolean>;
  release(key: string, owner: string): Promise<void>;
  /** Records that the person cannot be reached (blocked the bot); their next message clears it. */
  markUnreachable(key: string, reason: string, at: Date): Promise<void>;
  /** Conversations whose flow has waited past its expiry. */
  expired(now: Date, limit: number): Promise<{ channel: Channel; channelUserId: string }[]>;
}
