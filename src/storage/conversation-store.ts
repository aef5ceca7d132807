// Conversations on MongoDB: take the lease in one atomic conditional update, save-and-release in
// another, both grouped with other conversations' (write-batch.ts). A batched update tells no caller
// whether its own filter matched, so both are upserts by `_id`: when the condition fails, the document
// exists and the insert the upsert tries is refused as a duplicate key, for that write alone.
import type { Connection } from 'mongoose';
import { conversationKey } from '../conversation/messages.js';
import type { ConversationRecord, ConversationStore } from '../conversation/ports.js';
import type { Filter, UpdateFilter } from 'mongodb';
import type { Channel } from '../tickets/model.js';
import { isDuplicateKeyError } from './errors.js';
import { groupedWrites } from './grouped-writes.js';
import { type ConversationDoc, conversationModel } from './models/conversation.js';

export function mongoConversationStore(connection: Connection): ConversationStore {
  const conversations = conversationModel(connection);
  const writes = groupedWrites(connection).conversationUpdates;
  /** A conditional update by `_id`: false when its condition did not hold (see above). */
  const conditional = async (filter: Filter<ConversationDoc>, update: UpdateFilter<ConversationDoc>): Promise<boolean> => {
    try {
      await writes.write({ updateOne: { filter, update, upsert: true } });
      return true;
    } catch (error) {
      if (isDuplicateKeyError(error)) return false;
      throw error;
    }
  };
  return {
    async acquire({ channel, channelUserId }, owner, leaseUntil, now) {
      const key = conversationKey(channel, channelUserId);
      const taken = await conditional(
        { _id: key, $or: [{ lock: { $exists: false } }, { 'lock.until': { $lt: now } }, { 'lock.owner': owner }] },
        { $set: { lock: { owner, until: leaseUntil }, updatedAt: now }, $setOnInsert: { channel, channelUserId, session: 0, outSeq: 0, createdAt: now } },
      );
      if (!taken) return null; // another owner holds its lease
      // Read by `_id` after the write (reads do not wait for the write gate); while the lease is ours nobody else changes it.
      const doc = await conversations.findById(key).lean<ConversationDoc>();
      return doc?.lock?.owner === owner ? toRecord(doc) : null;
    },

    async saveAndRelease(key, owner, changes) {
      const { ticketNumber, expiresAt, lastInboundId, noticeKeys, ...rest } = changes;
      const unset: Record<string, ''> = { lock: '' };
      if (lastInboundId) unset.unreachable = ''; // they wrote to us, so they can be reached again
      if (ticketNumber === null) unset.ticketNumber = '';
      if (expiresAt === null) unset.expiresAt = '';
      const [channel, channelUserId] = splitKey(key);
      return conditional(
        { _id: key, 'lock.owner': owner },
        {
          $set: {
            ...rest,
            ...(noticeKeys ? { noticeKeys: [...noticeKeys] } : {}),
            updatedAt: rest.lastActivityAt,
            ...(ticketNumber ? { ticketNumber } : {}),
            ...(expiresAt ? { expiresAt } : {}),
            ...(lastInboundId ? { lastInboundId } : {}),
          },
          $unset: unset,
          // Only if retention deleted the conversation while it was leased (it then holds what was just said).
          $setOnInsert: { channel: channel as Channel, channelUserId, createdAt: rest.lastActivityAt },
        },
      );
    },

    async release(key, owner) {
      await conversations.updateOne({ _id: key, 'lock.owner': owner }, { $unset: { lock: 1 } });
    },

    async markUnreachable(key, reason, at) {
      await conversations.updateOne({ _id: key }, { $set: { unreachable: { reason, at } } });
    },

    async expired(now, limit) {
      const docs = await conversations.find({ expiresAt: { $lte: now } }, { channel: 1, channelUserId: 1 }).limit(limit).lean();
      return docs.map((d) => ({ channel: d.channel, channelUserId: d.channelUserId }));
    },
  };
}

function toRecord(doc: ConversationDoc): ConversationRecord {
  return {
    key: doc._id,
    channel: doc.channel,
    channelUserId: doc.channelUserId,
    session: doc.session,
    outSeq: doc.outSeq,
    ...(doc.state ? { state: doc.state } : {}),
    ...(doc.lastInboundId ? { lastInboundId: doc.lastInboundId } : {}),
    ...(doc.ticketNumber ? { ticketNumber: doc.ticketNumber } : {}),
    ...(doc.lastActivityAt ? { lastActivityAt: doc.lastActivityAt } : {}),
    ...(doc.expiresAt ? { expiresAt: doc.expiresAt } : {}),
    ...(doc.noticeKeys?.length ? { noticeKeys: doc.noticeKeys } : {}),
  };
}

/** `<channel>:<channelUserId>` (messages.ts conversationKey) back into its parts. */
function splitKey(key: string): [string, string] {
  const at = key.indexOf(':');
  return [key.slice(0, at), key.slice(at + 1)];
}
