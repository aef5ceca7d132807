// The `messages` collection: every message in and out, in one place. An
// inbound message is the inbound log (written before processing); an
// outbound message is the outbox entry (pending until a sender delivers it).
// Both form the thread an operator reads. `_id` is derived from what makes a
// message unique, so dedupe, look-ups and conditional updates go by key:
//   in:<channel>:<messageId of the channel>    out:<conversationKey>:<seq, 9 digits>
import { type Connection, type Model, Schema } from 'mongoose';
import type { Channel, AttachmentRef } from '../../tickets/model.js';

export type MessageStatus = 'received' | 'processed' | 'pending' | 'sending' | 'sent' | 'failed' | 'superseded';

export interface MessageDoc {
  _id: string;
  conversationKey: string;
  channel: Channel;
  channelUserId: string;
  direction: 'in' | 'out';
  messageId: string;
  session: number;
  seq?: number;
  /** The channel's time: when the person sent it (inbound), when it was queued (outbound). */
  at: Date;
  /** Inbound: when this service recorded it, which orders it among the bot's replies (see `threadOrder`). */
  receivedAt?: Date;
  text?: string;
  choices?: { value: string; label: string }[];
  request?: 'contact' | 'location';
  /** A settling acknowledgement (see OutboundMessage.settle); `superseded` when a later one replaced it unsent. */
  settle?: 'photos';
  /** A late notice's kind and template parameters (see OutboundMessage.notice). */
  notice?: { kind: string; params: string[] };
  photos?: AttachmentRef[];
  photoRejections?: string[];
  location?: { latitude: number; longitude: number; address?: string };
  contact?: { phone: string; name?: string; own?: boolean };
  sender?: { phone?: string; email?: string; name?: string };
  unsupported?: string;
  /** A voice note the person sent, stored for the operators. */
  voice?: AttachmentRef;
  /** The inbound message answers the bot's message about this ticket. */
  replyTo?: { ticketNumber: string };
  /** Written by this agency (its reply to a ticket notice by email), not by the reporter. */
  agency?: string;
  ticketNumber?: string;
  /** An operator's reply: who wrote it. */
  author?: string;
  status: MessageStatus;
  attempts: number;
  nextAttemptAt?: Date;
  claimedUntil?: Date;
  lastError?: string;
  providerMessageId?: string;
  /** The channel's report after sending: delivered, read, failed. */
  deliveryStatus?: string;
  deliveryStatusAt?: Date;
  sentAt?: Date;
  processedAt?: Date;
}

const attachment = new Schema({ fileId: String, sha256: String, contentType: String, size: Number, filename: String }, { _id: false });

const messageSchema = new Schema<MessageDoc>(
  {
    _id: { type: String, required: true },
    conversationKey: { type: String, required: true },
    channel: { type: String, required: true },
    channelUserId: { type: String, required: true },
    direction: { type: String, enum: ['in', 'out'], required: true },
    messageId: { type: String, required: true },
    session: { type: Number, default: 0 },
    seq: Number,
    at: { type: Date, required: true },
    receivedAt: Date,
    text: String,
    choices: { type: [new Schema({ value: String, label: String }, { _id: false })], default: undefined },
    request: String,
    settle: String,
    notice: { type: new Schema({ kind: String, params: [String] }, { _id: false }), default: undefined },
    photos: { type: [attachment], default: undefined },
    photoRejections: { type: [String], default: undefined },
    location: { type: new Schema({ latitude: Number, longitude: Number, address: String }, { _id: false }), default: undefined },
    contact: { type: new Schema({ phone: String, name: String, own: Boolean }, { _id: false }), default: undefined },
    sender: { type: new Schema({ phone: String, email: String, name: String }, { _id: false }), default: undefined },
    unsupported: String,
    voice: { type: attachment, default: undefined },
    replyTo: { type: new Schema({ ticketNumber: String }, { _id: false }), default: undefined },
    agency: String,
    ticketNumber: String,
    author: String,
    status: { type: String, required: true },
    attempts: { type: Number, default: 0 },
    nextAttemptAt: Date,
    claimedUntil: Date,
    lastError: String,
    providerMessageId: String,
    deliveryStatus: String,
    deliveryStatusAt: Date,
    sentAt: Date,
    processedAt: Date,
  },
  { collection: 'messages', versionKey: false },
);
messageSchema.index({ status: 1, nextAttemptAt: 1 });
messageSchema.index({ status: 1, claimedUntil: 1 });
messageSchema.index({ providerMessageId: 1 });
messageSchema.index({ ticketNumber: 1, at: 1 });
messageSchema.index({ conversationKey: 1, session: 1 });
// The retention job's sweep of old messages, oldest first from where it stopped (storage/retention-sweeps.ts).
messageSchema.index({ at: 1, _id: 1 });

export const inboundId = (channel: Channel, messageId: string): string => `in:${channel}:${messageId}`;
export const outboundId = (conversationKey: string, seq: number): string => `out:${conversationKey}:${String(seq).padStart(9, '0')}`;

/**
 * The order in which a conversation happened: inbound messages by when they were recorded, outbound by when
 * they were queued. The channel's own time cannot order them: Telegram and WhatsApp give whole seconds from
 * their clocks, so an answer written within a second of the bot's question would come before it.
 */
export const threadOrder = (a: MessageDoc, b: MessageDoc): number => (a.receivedAt ?? a.at).getTime() - (b.receivedAt ?? b.at).getTime();

export type MessageModel = Model<MessageDoc>;

export function messageModel(connection: Connection): MessageModel {
  return connection.models.Message as MessageModel | undefined ?? connection.model<MessageDoc>('Message', messageSchema);
}
