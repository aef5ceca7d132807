// The `conversations` collection: one document per person per channel, with
// the flow state, a lease that serialises processing across instances, and
// the counters that order its outbound messages.
import { type Connection, type Model, Schema } from 'mongoose';
import type { ConversationState } from '../../conversation/state.js';
import type { Channel } from '../../tickets/model.js';

export interface ConversationDoc {
  _id: string;
  channel: Channel;
  channelUserId: string;
  state?: ConversationState;
  /** Increments whenever a flow starts afresh; thread messages carry it. */
  session: number;
  /** Sequence of the last outbound message (the web chat's `after` cursor). */
  outSeq: number;
  /** The last inbound message whose effects are stored: reprocessing it is a no-op. */
  lastInboundId?: string;
  ticketNumber?: string;
  lastActivityAt?: Date;
  /** Set while a flow waits for an answer: when the conversation expires. */
  expiresAt?: Date;
  lock?: { owner: string; until: Date };
  /** A new token with every save, so a save sent twice (storage/write-batch.ts) recognises itself. */
  rev?: string;
  /** The last keys of notices sent by jobs (bounded), so a retried notice is not sent twice. */
  noticeKeys?: string[];
  /** Set when delivery failed for good (e.g. the person blocked the bot). */
  unreachable?: { reason: string; at: Date };
  createdAt: Date;
  updatedAt: Date;
}

const conversationSchema = new Schema<ConversationDoc>(
  {
    _id: { type: String, required: true },
    channel: { type: String, required: true },
    channelUserId: { type: String, required: true },
    state: { type: Schema.Types.Mixed },
    session: { type: Number, default: 0 },
    outSeq: { type: Number, default: 0 },
    lastInboundId: String,
    ticketNumber: String,
    lastActivityAt: Date,
    expiresAt: Date,
    lock: { owner: String, until: Date },
    rev: String,
    noticeKeys: { type: [String], default: undefined },
    unreachable: { reason: String, at: Date },
    createdAt: Date,
    updatedAt: Date,
  },
  { collection: 'conversations', versionKey: false, minimize: false },
);
conversationSchema.index({ expiresAt: 1 });

export type ConversationModel = Model<ConversationDoc>;

export function conversationModel(connection: Connection): ConversationModel {
  return connection.models.Conversation as ConversationModel | undefined ?? connection.model<ConversationDoc>('Conversation', conversationSchema);
}
