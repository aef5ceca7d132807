// The inbound log, the outbox and a conversation's history on the `messages` collection.
import type { Connection } from 'mongoose';
import type { NoticeKind, PhotoInput } from '../conversation/messages.js';
import type { InboundLog, RecordedInbound } from '../conversation/ports.js';
import type { OutboundRecord, OutboxStore } from '../outbox/store.js';
import { isDuplicateKeyError } from './errors.js';
import type { Channel } from '../tickets/model.js';
import { groupedWrites } from './grouped-writes.js';
import { inboundId, type MessageDoc, type MessageModel, messageModel, outboundId, threadOrder } from './models/message.js';

type PhotoRejection = Extract<PhotoInput, { rejected: unknown }>['rejected'];

export function mongoInboundLog(connection: Connection): InboundLog {
  const messages = messageModel(connection);
  const writes = groupedWrites(connection);
  return {
    async record(message, conversationKey, now) {
      const { photos, voice, ...rest } = message;
      const refs = photos?.flatMap((p) => ('ref' in p ? [p.ref] : []));
      const rejections = photos?.flatMap((p) => ('rejected' in p ? [p.rejected] : []));
      const id = inboundId(message.channel, message.messageId);
      try {
        await writes.messageInserts.write({
          insertOne: {
            document: await asStored(messages, {
              ...rest,
              _id: id,
              conversationKey,
              direction: 'in',
              receivedAt: now,
              status: 'received',
              ...(refs?.length ? { photos: refs } : {}),
              ...(rejections?.length ? { photoRejections: rejections } : {}),
              ...(voice && 'ref' in voice ? { voice: voice.ref } : {}),
            }),
          },
        });
        return { id, duplicate: false };
      } catch (error) {
        if (!isDuplicateKeyError(error)) throw error;
        return { id, duplicate: true };
      }
    },

    async markProcessed(id, { session, ticketNumber }, now) {
      await writes.messageUpdates.write({ updateOne: { filter: { _id: id }, update: { $set: { status: 'processed', processedAt: now, session, ...(ticketNumber ? { ticketNumber } : {}) } } } });
    },

    async isPending(id) {
      const doc = await messages.findById(id, { status: 1 }).lean();
      return doc?.status === 'received';
    },

    async unprocessed(before, limit) {
      // By when this service recorded it: a message's own time can be hours old (WhatsApp's catch-up,
      // an email's Date) while it is still being processed. Messages from before `receivedAt` existed have only `at`.
      const recordedBefore = { $or: [{ receivedAt: { $lt: before } }, { receivedAt: { $exists: false }, at: { $lt: before } }] };
      const docs = await messages.find({ status: 'received', ...recordedBefore }).sort({ at: 1 }).limit(limit).lean();
      return docs.map(toRecordedInbound);
    },
  };
}

/** A new message as the schema stores it (defaults applied, validated), for a write that bypasses the model. */
async function asStored(messages: MessageModel, fields: object): Promise<MessageDoc> {
  const doc = new messages(fields);
  await doc.validate();
  return doc.toObject();
}

function toRecordedInbound(doc: MessageDoc): RecordedInbound {
  const photos = [...(doc.photos ?? []).map((ref) => ({ ref })), ...(doc.photoRejections ?? []).map((rejected) => ({ rejected: rejected as PhotoRejection }))];
  return {
    id: doc._id,
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
      ...(doc.voice ? { voice: { ref: doc.voice } } : {}),
      ...(doc.replyTo ? { replyTo: { ticketNumber: doc.replyTo.ticketNumber } } : {}),
      ...(doc.agency ? { agency: doc.agency } : {}),
    },
  };
}

/** A sent message's delivery statuses as a channel reports them, in the order they follow one another. */
const DELIVERY_PROGRESS = ['sent', 'delivered', 'read', 'failed'];

export function mongoOutboxStore(connection: Connection): OutboxStore {
  const messages = messageModel(connection);
  const writes = groupedWrites(connection);
  return {
    async enqueue(entries, now, delivery) {
      if (entries.length === 0) return [];
      const docs = entries.map((e) => ({
        _id: outboundId(e.conversationKey, e.seq),
        conversationKey: e.conversationKey,
        channel: e.channel,
        channelUserId: e.channelUserId,
        direction: 'out' as const,
        messageId: outboundId(e.conversationKey, e.seq),
        session: e.session,
        seq: e.seq,
        at: now,
        text: e.message.text,
        ...(e.message.choices ? { choices: e.message.choices } : {}),
        ...(e.message.request ? { request: e.message.request } : {}),
        ...(e.message.settle ? { settle: e.message.settle } : {}),
        ...(e.message.photo ? { photos: [e.message.photo] } : {}),
        ...(e.message.notice ? { notice: { kind: e.message.notice.kind, params: [...e.message.notice.params] } } : {}),
        ...(e.ticketNumber ? { ticketNumber: e.ticketNumber } : {}),
        ...(e.author ? { author: e.author } : {}),
        ...(delivery.kind === 'delivered'
          ? { status: 'sent' as const, sentAt: now, attempts: 0 }
          : e.message.settle && delivery.settleUntil
            ? { status: 'pending' as const, nextAttemptAt: delivery.settleUntil, attempts: 0 } // waits to be replaced or sent
            : { status: 'sending' as const, claimedUntil: delivery.claimedUntil, attempts: 1 }),
      }));
      // One write per entry, grouped with other conversations' (write-batch.ts). Reprocessing after a crash
      // produces the same ids: those are stored already (and sent, or due to the sweep), so only the new ones are returned.
      const stored = await Promise.all(docs.map((d) => asStored(messages, d)));
      const outcomes = await Promise.allSettled(stored.map((document) => writes.messageInserts.write({ insertOne: { document } })));
      const refused = outcomes.find((o): o is PromiseRejectedResult => o.status === 'rejected' && !isDuplicateKeyError(o.reason));
      if (refused) throw refused.reason;
      return docs.filter((_d, i) => outcomes[i]?.status === 'fulfilled').map((d) => toOutbound(d as MessageDoc));
    },

    async claim(id, until, now) {
      const doc = await messages
        .findOneAndUpdate(
          { _id: id, $or: [{ status: 'pending' }, { status: 'sending', claimedUntil: { $lt: now } }] },
          { $set: { status: 'sending', claimedUntil: until }, $inc: { attempts: 1 } },
          { returnDocument: 'after' },
        )
        .lean();
      return doc ? toOutbound(doc) : null;
    },

    async markSent(id, now, providerMessageId) {
      await writes.messageUpdates.write({ updateOne: { filter: { _id: id }, update: { $set: { status: 'sent', sentAt: now, ...(providerMessageId ? { providerMessageId } : {}) }, $unset: { claimedUntil: '', nextAttemptAt: '' } } } });
    },

    async reschedule(id, at, error, { claim, refund = false } = {}) {
      const holder = claim ? { status: 'sending' as const, claimedUntil: claim } : { status: 'pending' as const };
      await messages.updateOne({ _id: id, ...holder }, { $set: { status: 'pending', nextAttemptAt: at, lastError: error }, $unset: { claimedUntil: 1 }, ...(refund ? { $inc: { attempts: -1 } } : {}) });
    },

    async settled(conversationKey, seq) {
      const doc = await messages.findById(outboundId(conversationKey, seq), { status: 1 }).lean();
      return doc === null || doc.status === 'sent' || doc.status === 'failed' || doc.status === 'superseded';
    },

    async supersede(conversationKey, seq, kind) {
      const result = await messages.updateOne({ _id: outboundId(conversationKey, seq), status: 'pending', settle: kind }, { $set: { status: 'superseded' }, $unset: { nextAttemptAt: 1 } });
      return result.modifiedCount === 1;
    },

    async markFailed(id, error) {
      await messages.updateOne({ _id: id }, { $set: { status: 'failed', lastError: error }, $unset: { claimedUntil: 1, nextAttemptAt: 1 } });
    },

    async recordStatus(providerMessageId, status, at, error) {
      // Reports come more than once and out of order (Meta says so): one never moves a message back,
      // so a late "delivered" leaves "read" alone. A status of another name is kept only while none is known.
      const rank = DELIVERY_PROGRESS.indexOf(status);
      const reached = rank < 0 ? DELIVERY_PROGRESS : DELIVERY_PROGRESS.slice(rank);
      await messages.updateOne({ providerMessageId, deliveryStatus: { $nin: reached } }, { $set: { deliveryStatus: status, deliveryStatusAt: at, ...(error ? { lastError: error } : {}) } });
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
      // Look-ups by key, one sequence number after another: cheap on any backend, whatever the history.
      const records: OutboundRecord[] = [];
      for (let next = seq + 1; records.length < limit; next++) {
        const doc = await messages.findById(outboundId(conversationKey, next)).lean();
        if (!doc) break;
        records.push(toOutbound(doc));
      }
      return records;
    },
  };
}

function toOutbound(doc: MessageDoc): OutboundRecord {
  const photo = doc.photos?.[0];
  return {
    id: doc._id,
    conversationKey: doc.conversationKey,
    channel: doc.channel,
    channelUserId: doc.channelUserId,
    session: doc.session,
    seq: doc.seq ?? 0,
    attempts: doc.attempts,
    ...(doc.status === 'sending' && doc.claimedUntil ? { claimedUntil: doc.claimedUntil } : {}),
    ...(doc.status === 'pending' && doc.settle && doc.nextAttemptAt ? { deliverAfter: doc.nextAttemptAt } : {}),
    ...(doc.ticketNumber ? { ticketNumber: doc.ticketNumber } : {}),
    message: {
      text: doc.text ?? '',
      ...(doc.choices?.length ? { choices: doc.choices } : {}),
      ...(doc.request ? { request: doc.request } : {}),
      ...(doc.settle ? { settle: doc.settle } : {}),
      ...(photo ? { photo } : {}),
      ...(doc.notice ? { notice: { kind: doc.notice.kind as NoticeKind, params: doc.notice.params } } : {}),
    },
  };
}

/** A conversation's messages both ways, for a person who comes back to it (the web chat page after a reload). */
export interface ConversationHistory {
  /** The last `limit` messages of the conversation, in thread order. */
  recent(conversationKey: string, limit: number): Promise<MessageDoc[]>;
  /** A message the person sent, by the channel's id for it. */
  inbound(channel: Channel, messageId: string): Promise<MessageDoc | null>;
}

export function mongoConversationHistory(connection: Connection): ConversationHistory {
  const messages = messageModel(connection);
  return {
    async recent(conversationKey, limit) {
      // A query by conversation, not by key: a reload is rare and the page asks once; the long poll
      // that follows stays on look-ups by `_id` (the only ones FerretDB pushes down).
      const docs = await messages.find({ conversationKey }).sort({ at: -1, _id: -1 }).limit(limit).lean<MessageDoc[]>();
      return docs.reverse().sort(threadOrder);
    },
    inbound: (channel, messageId) => messages.findById(inboundId(channel, messageId)).lean<MessageDoc>(),
  };
}
