// Conversations on MongoDB: take the lease in one atomic conditional update, save-and-release in
// another, grouped with other conversations' saves (write-batch.ts). A batched update tells no caller
// whether its own filter matched, so the save is an upsert by `_id`: when the condition fails, the document
// exists and the insert the upsert tries is refused as a duplicate key, for that write alone.
import { randomBytes } from 'node:crypto';
import type { Connection } from 'mongoose';
import { conversationKey } from '../conversation/messages.js';
import type { ConversationRecord, ConversationStore } from '../conversation/ports.js';
import type { Filter, UpdateFilter } from 'mongodb';
import { isDuplicateKeyError } from './errors.js';
import { groupedWrites } from './grouped-writes.js';
import type { WriteOutcome } from './write-batch.js';
import { type ConversationDoc, conversationModel } from './models/conversation.js';

export function mongoConversationStore(connection: Connection): ConversationStore {
  const conversations = conversationModel(connection);
  const writes = groupedWrites(connection).conversationUpdates;
  /** A conditional update by `_id`: undefined when its condition did not hold (see above). */
  const conditional = async (filter: Filter<ConversationDoc>, update: UpdateFilter<ConversationDoc>): Promise<WriteOutcome | undefined> => {
    try {
      return await writes.write({ updateOne: { filter, update, upsert: true } });
    } catch (error) {
      if (isDuplicateKeyError(error)) return undefined;
      throw error;
    }
  };
  return {
    async acquire({ channel, channelUserId }, owner, leaseUntil, now) {
      // One findAndModify, not grouped: the processing needs the document, and a grouped update plus a read
      // costs the database more than this (README, Writes per message). A conversation cannot be cached
      // instead: other writers (jobs, the inbox, erasures, tests) change it without this process knowing.
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
      const { ticketNumber, expiresAt, lastInboundId, noticeKeys, ...rest } = changes;
      const unset: Record<string, ''> = { lock: '' };
      if (lastInboundId) unset.unreachable = ''; // they wrote to us, so they can be reached again
      if (ticketNumber === null) unset.ticketNumber = '';
      if (expiresAt === null) unset.expiresAt = '';
      const rev = randomBytes(9).toString('base64url');
      const done = await conditional(
        // Or this very save, done already: a repeated write (write-batch.ts) finds it and changes nothing.
        { _id: key, $or: [{ 'lock.owner': owner }, { rev }] },
        {
          $set: {
            ...rest,
            rev,
            ...(noticeKeys ? { noticeKeys: [...noticeKeys] } : {}),
            updatedAt: rest.lastActivityAt,
            ...(ticketNumber ? { ticketNumber } : {}),
            ...(expiresAt ? { expiresAt } : {}),
            ...(lastInboundId ? { lastInboundId } : {}),
          },
          $unset: unset,
        },
      );
      // A repeated save that inserted the first time left a document with no `createdAt`: deleted while leased too.
      const inserted = done?.upserted === true || (done?.repeated === true && !(await conversations.exists({ _id: key, createdAt: { $exists: true } })));
      if (!done || inserted) {
        // Deleted while leased (an erasure, retention): what was being saved must not bring it back.
        if (inserted) await conversations.deleteOne({ _id: key, rev });
        return false;
      }
      return true;
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

