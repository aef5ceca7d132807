// Conversations on MongoDB: take the lease in one atomic conditional update, save-and-release in
// another, both grouped with other conversations' (write-batch.ts). A batched update tells no caller
// whether its own filter matched, so both are upserts by `_id`: when the condition fails, the document
// exists and the insert the upsert tries is refused as a duplicate key, for that write alone. The
// lease for a conversation this process saved last needs no read (conversation-cache.ts).
import { randomBytes } from 'node:crypto';
import type { Connection } from 'mongoose';
import { conversationKey } from '../conversation/messages.js';
import type { ConversationRecord, ConversationStore } from '../conversation/ports.js';
import type { Filter, UpdateFilter } from 'mongodb';
import type { Channel } from '../tickets/model.js';
import { isDuplicateKeyError } from './errors.js';
import { SavedConversations } from './conversation-cache.js';
import { groupedWrites } from './grouped-writes.js';
import type { WriteOutcome } from './write-batch.js';
import { type ConversationDoc, conversationModel } from './models/conversation.js';

export function mongoConversationStore(connection: Connection): ConversationStore {
  const conversations = conversationModel(connection);
  const writes = groupedWrites(connection).conversationUpdates;
  const saved = new SavedConversations();
  /** What each lease this process holds handed out (a save changes only part of it). */
  const held = new Map<string, ConversationRecord>();
  /** A conditional update by `_id`: undefined when its condition did not hold (see above). */
  const conditional = async (filter: Filter<ConversationDoc>, update: UpdateFilter<ConversationDoc>): Promise<WriteOutcome | undefined> => {
    try {
      return await writes.write({ updateOne: { filter, update, upsert: true } });
    } catch (error) {
      if (isDuplicateKeyError(error)) return undefined;
      throw error;
    }
  };
  const lease = (owner: string, leaseUntil: Date, now: Date) => ({
    $set: { lock: { owner, until: leaseUntil }, updatedAt: now },
  });
  /** Read by `_id` after the lease was taken (reads do not wait for the write gate); while the lease is ours nobody else changes it. */
  const readHeld = async (key: string, owner: string): Promise<ConversationRecord | null> => {
    const doc = await conversations.findById(key).lean<ConversationDoc>();
    if (doc?.lock?.owner !== owner) return null;
    const record = toRecord(doc);
    held.set(key, record);
    return record;
  };
  const free = (owner: string, now: Date) => [{ lock: { $exists: false } }, { 'lock.until': { $lt: now } }, { 'lock.owner': owner }];
  return {
    async acquire({ channel, channelUserId }, owner, leaseUntil, now) {
      const key = conversationKey(channel, channelUserId);
      const fresh = { channel, channelUserId, session: 0, outSeq: 0, createdAt: now };
      const last = saved.get(key);
      if (last) {
        // Unchanged since this process saved it: what it saved is what a read would return.
        const taken = await conditional({ _id: key, rev: last.rev, $or: free(owner, now) }, { ...lease(owner, leaseUntil, now), $setOnInsert: fresh });
        if (taken && !taken.repeated) {
          const record = taken.upserted ? { key, channel, channelUserId, session: 0, outSeq: 0 } : last.record;
          if (taken.upserted) saved.forget(key); // it had been deleted: a new conversation starts
          held.set(key, record);
          return record;
        }
        saved.forget(key); // another instance saved it since, or holds it now (or its write went twice: read it)
        if (taken) return readHeld(key, owner);
      }
      const taken = await conditional({ _id: key, $or: free(owner, now) }, { ...lease(owner, leaseUntil, now), $setOnInsert: fresh });
      if (!taken) return null; // another owner holds its lease
      return readHeld(key, owner);
    },

    async saveAndRelease(key, owner, changes) {
      const { ticketNumber, expiresAt, lastInboundId, noticeKeys, ...rest } = changes;
      const unset: Record<string, ''> = { lock: '' };
      if (lastInboundId) unset.unreachable = ''; // they wrote to us, so they can be reached again
      if (ticketNumber === null) unset.ticketNumber = '';
      if (expiresAt === null) unset.expiresAt = '';
      const rev = randomBytes(9).toString('base64url');
      const before = held.get(key);
      held.delete(key);
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
        saved.forget(key);
        // Deleted while leased (an erasure, retention): what was being saved must not bring it back.
        if (inserted) await conversations.deleteOne({ _id: key, rev });
        return false;
      }
      const [channel, channelUserId] = splitKey(key);
      const kept = noticeKeys ?? before?.noticeKeys;
      const inbound = lastInboundId ?? before?.lastInboundId;
      saved.remember(key, rev, {
        key,
        channel: channel as Channel,
        channelUserId,
        session: rest.session,
        outSeq: rest.outSeq,
        state: rest.state,
        lastActivityAt: rest.lastActivityAt,
        ...(inbound ? { lastInboundId: inbound } : {}),
        ...(ticketNumber ? { ticketNumber } : {}),
        ...(expiresAt ? { expiresAt } : {}),
        ...(kept?.length ? { noticeKeys: kept } : {}),
      });
      return true;
    },

    async release(key, owner) {
      held.delete(key);
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
