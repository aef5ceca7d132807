// The write batchers of one connection (write-batch.ts), shared by every store
// on it: the inbound log and the outbox insert into the same `messages`
// collection, so their writes of a moment go as one command.
import type { Connection } from 'mongoose';
import { type ConversationDoc, conversationModel } from './models/conversation.js';
import { type MessageDoc, messageModel } from './models/message.js';
import { WriteBatcher } from './write-batch.js';

export interface GroupedWrites {
  /** Inbound messages recorded and outbox entries queued. */
  readonly messageInserts: WriteBatcher<MessageDoc>;
  /** Processed and sent marks (by `_id`). */
  readonly messageUpdates: WriteBatcher<MessageDoc>;
  /** Conversation leases taken and states saved (conditional, by `_id`). */
  readonly conversationUpdates: WriteBatcher<ConversationDoc>;
}

const byConnection = new WeakMap<Connection, GroupedWrites>();

export function groupedWrites(connection: Connection): GroupedWrites {
  const known = byConnection.get(connection);
  if (known) return known;
  const messages = connection.collection<MessageDoc>(messageModel(connection).collection.collectionName);
  const writes: GroupedWrites = {
    messageInserts: new WriteBatcher(messages),
    messageUpdates: new WriteBatcher(messages),
    conversationUpdates: new WriteBatcher(connection.collection<ConversationDoc>(conversationModel(connection).collection.collectionName)),
  };
  byConnection.set(connection, writes);
  return writes;
}
