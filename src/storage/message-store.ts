// The inbound log and the outbox on the `messages` collection.
import type { Connection } from 'mongoose';
import mongoose from 'mongoose';
import type { InboundLog, RecordedInbound } from '../conversation/ports.js';
import type { NewOutbound, OutboundRecord, OutboxStore } from '../outbox/store.js';
import { isDuplicateKeyError } from './errors.js';
import { type MessageDoc, messageModel } from './models/message.js';

const { ObjectId } = mongoose.Types;

export function mongoInboundLog(connection: Connection): InboundLog {
  const messages = messageModel(connection);
  return {
    async record(message, conversationKey) {
      const { photos, ...rest } = message;
      const refs = photos?.flatMap((p) => ('ref' in p ? [p.ref] : []));
      const rejections = photos?.flatMap((p) => ('rejected' in p ? [p.rejected] : []));
      try {
        const doc = await messages.create({
          ...rest,
          conversationKey,
          direction: 'in',
          status: 'received',
          ...(refs?.length ? { photos: refs } : {}),
          ...(rejections?.length ? { photoRejections: rejections } : {}),
        });
        return { id: doc._id.toHexString(), duplicate: false };
      } catch (error) {
        if (!isDuplicateKeyError(error)) throw error;
        const existing = await messages.findOne({ channel: message.channel, messageId: message.messageId }, { _id: 1 }).lean();
        return { id: existing?._id.toHexString() ?? '', duplicate: true };
      }
    },

    async markProcessed(id, { session, ticketNumber }, now) {
      await messages.updateOne({ _id: new ObjectId(id) }, { $set: { status: 'processed', processedAt: now, session, ...(ticketNumber ? { ticketNumber } : {}) } });
    },

    async isPending(id) {
      return (await messages.countDocuments({ _id: new ObjectId(id), status: 'received' })) > 0;
    },

    async unprocessed(before, limit) {
      const docs = await messages.find({ status: 'received', direction: 'in', at: { $lt: before } }).sort({ at: 1, _id: 1 }).limit(limit).lean();
      return docs.map(toRecordedInbound);
    },

    async linkSession(conversationKey, session, ticketNumber) {
      await messages.updateMany({ conversationKey, session, ticketNumber: { $exists: false } }, { $set: { ticketNumber } });
    },
  };
}

function toRecordedInbound(doc: MessageDoc): RecordedInbound {
  const photos = [...(doc.photos ?? []).map((ref) => ({ ref })), ...(doc.photoRejections ?? []).map((rejected) => ({ rejected: rejected as 'too_large' }))];
  return {
    id: doc._id.toHexString(),
    conversationKey: doc.conversationKey,
    message: {
      channel: doc.channel,
      channelUserId: doc.channelUserId,
      messageId: doc.messageId,
      at: doc.at,
      ...(doc.text === undefined ? {} : { text: doc.text }),
      ...(photos.length ? { photos } : {}),
      ...(doc.location ? { location: doc.location } : {}),
      ...(doc.contact ? { contact: doc.contact } : {}),
      ...(doc.sender ? { sender: doc.sender } : {}),
      ...(doc.unsupported === undefined ? {} : { unsupported: doc.unsupported }),
    },
  };
}

export function mongoOutboxStore(connection: Connection): OutboxStore {
  const messages = messageModel(connection);
  return {
    async enqueue(entries, now, delivered) {
      if (entries.length === 0) return;
      const docs = entries.map((e) => ({
        conversationKey: e.conversationKey,
        channel: e.channel,
        channelUserId: e.channelUserId,
        direction: 'out' as const,
        messageId: e.messageId,
        session: e.session,
        seq: e.seq,
        at: now,
        text: e.message.text,
        ...(e.message.choices ? { choices: e.message.choices } : {}),
        ...(e.message.request ? { request: e.message.request } : {}),
        ...(e.message.photo ? { photos: [e.message.photo] } : {}),
        ...(e.ticketNumber ? { ticketNumber: e.ticketNumber } : {}),
        status: delivered ? ('sent' as const) : ('pending' as const),
        attempts: 0,
        ...(delivered ? { sentAt: now } : { nextAttemptAt: now }),
      }));
      try {
        await messages.insertMany(docs, { ordered: false });
      } catch (error) {
        if (!isDuplicateKeyError(error)) throw error;
      }
    },

    async claim(id, until, now) {
      const doc = await messages
        .findOneAndUpdate(
          { _id: new ObjectId(id), $or: [{ status: 'pending' }, { status: 'sending', claimedUntil: { $lt: now } }] },
          { $set: { status: 'sending', claimedUntil: until }, $inc: { attempts: 1 } },
          { returnDocument: 'after' },
        )
        .lean();
      return doc ? toOutbound(doc) : null;
    },

    async markSent(id, now, providerMessageId) {
      await messages.updateOne({ _id: new ObjectId(id) }, { $set: { status: 'sent', sentAt: now, ...(providerMessageId ? { providerMessageId } : {}) }, $unset: { claimedUntil: 1, nextAttemptAt: 1 } });
    },

    async reschedule(id, at, error) {
      await messages.updateOne({ _id: new ObjectId(id) }, { $set: { status: 'pending', nextAttemptAt: at, lastError: error }, $unset: { claimedUntil: 1 } });
    },

    async markFailed(id, error) {
      await messages.updateOne({ _id: new ObjectId(id) }, { $set: { status: 'failed', lastError: error }, $unset: { claimedUntil: 1, nextAttemptAt: 1 } });
    },

    async due(now, limit) {
      const [pending, abandoned] = await Promise.all([
        messages.find({ status: 'pending', nextAttemptAt: { $lte: now } }).limit(limit).lean(),
        messages.find({ status: 'sending', claimedUntil: { $lt: now } }).limit(limit).lean(),
      ]);
      return [...pending, ...abandoned]
        .map(toOutbound)
        .sort((a, b) => a.conversationKey.localeCompare(b.conversationKey) || a.seq - b.seq)
        .slice(0, limit);
    },

    async after(conversationKey, seq, limit) {
      const docs = await messages.find({ conversationKey, seq: { $gt: seq } }).sort({ seq: 1 }).limit(limit).lean();
      return docs.map(toOutbound);
    },
  };
}

function toOutbound(doc: MessageDoc): OutboundRecord {
  const photo = doc.photos?.[0];
  return {
    id: doc._id.toHexString(),
    messageId: doc.messageId,
    conversationKey: doc.conversationKey,
    channel: doc.channel,
    channelUserId: doc.channelUserId,
    session: doc.session,
    seq: doc.seq ?? 0,
    attempts: doc.attempts,
    ...(doc.ticketNumber ? { ticketNumber: doc.ticketNumber } : {}),
    message: {
      text: doc.text ?? '',
      ...(doc.choices?.length ? { choices: doc.choices } : {}),
      ...(doc.request ? { request: doc.request } : {}),
      ...(photo ? { photo } : {}),
    },
  };
}

export type { NewOutbound };
