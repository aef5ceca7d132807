// Conversations on MongoDB: load-and-lease in one atomic update, save-and-release in another.
import type { Connection } from 'mongoose';
import { conversationKey } from '../conversation/messages.js';
import type { ConversationRecord, ConversationStore } from '../conversation/ports.js';
import { isDuplicateKeyError } from './errors.js';
import { type ConversationDoc, conversationModel } from './models/conversation.js';

export function mongoConversationStore(connection: Connection): ConversationStore {
  const conversations = conversationModel(connection);
  return {
    async acquire({ channel, channelUserId }, owner, leaseUntil, now) {
      const key = conversationKey(channel, channelUserId);
      const filter = { _id: key, $or: [{ lock: { $exists: false } }, { 'lock.until': { $lt: now } }, { 'lock.owner': owner }] };
      const update = {
        $set: { lock: { owner, until: leaseUntil }, updatedAt: now },
        $setOnInsert: { channel, channelUserId, session: 0, outSeq: 0, createdAt: now },
      };
      try {
        const doc = await conversations.findOneAndUpdate(filter, update, { upsert: true, returnDocument: 'after' }).lean<ConversationDoc>();
        return toRecord(doc);
      } catch (error) {
        // The document exists and another owner holds its lease (the upsert collided with it).
        if (isDuplicateKeyError(error)) return null;
        throw error;
      }
    },

    async saveAndRelease(key, owner, changes) {
      const { ticketNumber, expiresAt, lastInboundId, ...rest } = changes;
      const unset: Record<string, 1> = { lock: 1 };
      if (lastInboundId) unset.unreachable = 1; // they wrote to us, so they can be reached again
      if (ticketNumber === null) unset.ticketNumber = 1;
      if (expiresAt === null) unset.expiresAt = 1;
      const result = await conversations.updateOne(
        { _id: key, 'lock.owner': owner },
        {
          $set: {
            ...rest,
            updatedAt: rest.lastActivityAt,
            ...(ticketNumber ? { ticketNumber } : {}),
            ...(expiresAt ? { expiresAt } : {}),
            ...(lastInboundId ? { lastInboundId } : {}),
          },
          $unset: unset,
        },
      );
      return result.matchedCount === 1;
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
