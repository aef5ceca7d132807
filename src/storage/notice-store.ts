// The mail queue (NoticeStore) on the `notices` collection. Every change is
// one conditional update by id; those made by a sender also name its claim,
// so a sender whose claim ran out cannot undo what the next one did.
import type { Connection } from 'mongoose';
import type { NoticeAttachment, NoticeRecord, NoticeStore } from '../notifications/notice-store.js';
import { isDuplicateKeyError } from './errors.js';
import { type NoticeDoc, noticeModel } from './models/notice.js';

export function mongoNoticeStore(connection: Connection): NoticeStore {
  const notices = noticeModel(connection);
  return {
    async enqueue(notice, now, claimedUntil) {
      const { mail } = notice;
      const doc: NoticeDoc = {
        _id: notice.id,
        kind: notice.kind,
        ...(notice.ticketNumber ? { ticketNumber: notice.ticketNumber } : {}),
        mail: {
          to: [...mail.to],
          subject: mail.subject,
          text: mail.text,
          ...(mail.html === undefined ? {} : { html: mail.html }),
          messageId: mail.messageId,
          ...(mail.replyTo === undefined ? {} : { replyTo: mail.replyTo }),
          ...(mail.inReplyTo === undefined ? {} : { inReplyTo: mail.inReplyTo }),
          ...(mail.references?.length ? { references: [...mail.references] } : {}),
          attachments: mail.attachments.map((a) => ({ ...a })),
        },
        createdAt: now,
        ...(claimedUntil ? { status: 'sending' as const, attempts: 1, claimedUntil } : { status: 'pending' as const, attempts: 0, nextAttemptAt: now }),
      };
      try {
        await notices.create(doc);
        return toRecord(doc);
      } catch (error) {
        if (isDuplicateKeyError(error)) return null; // enqueued before: sent, being sent, or waiting for its retry
        throw error;
      }
    },

    async claim(id, until, now) {
      const doc = await notices
        .findOneAndUpdate(
          { _id: id, $or: [{ status: 'pending', nextAttemptAt: { $lte: now } }, { status: 'sending', claimedUntil: { $lt: now } }] },
          { $set: { status: 'sending', claimedUntil: until }, $inc: { attempts: 1 }, $unset: { nextAttemptAt: 1 } },
          { returnDocument: 'after' },
        )
        .lean<NoticeDoc>();
      // Acting on a claim the database did not store could send twice: check it is ours.
      return doc?.status === 'sending' && doc.claimedUntil?.getTime() === until.getTime() ? toRecord(doc) : null;
    },

    async markSent(id, claimedUntil, now) {
      const result = await notices.updateOne({ _id: id, status: 'sending', claimedUntil }, { $set: { status: 'sent', sentAt: now }, $unset: { claimedUntil: 1, nextAttemptAt: 1 } });
      return result.modifiedCount === 1;
    },

    async reschedule(id, claimedUntil, at, error) {
      const result = await notices.updateOne({ _id: id, status: 'sending', claimedUntil }, { $set: { status: 'pending', nextAttemptAt: at, lastError: error }, $unset: { claimedUntil: 1 } });
      return result.modifiedCount === 1;
    },

    async markFailed(id, claimedUntil, error, now) {
      const result = await notices.updateOne({ _id: id, status: 'sending', claimedUntil }, { $set: { status: 'failed', lastError: error, failedAt: now }, $unset: { claimedUntil: 1, nextAttemptAt: 1 } });
      return result.modifiedCount === 1;
    },

    async due(now, limit) {
      const [pending, abandoned] = await Promise.all([
        notices.find({ status: 'pending', nextAttemptAt: { $lte: now } }).sort({ nextAttemptAt: 1 }).limit(limit).lean<NoticeDoc[]>(),
        notices.find({ status: 'sending', claimedUntil: { $lt: now } }).limit(limit).lean<NoticeDoc[]>(),
      ]);
      return [...pending, ...abandoned].slice(0, limit).map(toRecord);
    },

    async get(id) {
      const doc = await notices.findById(id).lean<NoticeDoc>();
      return doc ? toRecord(doc) : null;
    },
  };
}

function toRecord(doc: NoticeDoc): NoticeRecord {
  const { mail } = doc;
  return {
    id: doc._id,
    kind: doc.kind,
    ...(doc.ticketNumber ? { ticketNumber: doc.ticketNumber } : {}),
    mail: {
      to: mail.to,
      subject: mail.subject,
      text: mail.text,
      ...(mail.html ? { html: mail.html } : {}),
      messageId: mail.messageId,
      ...(mail.replyTo ? { replyTo: mail.replyTo } : {}),
      ...(mail.inReplyTo ? { inReplyTo: mail.inReplyTo } : {}),
      ...(mail.references?.length ? { references: mail.references } : {}),
      attachments: mail.attachments.map(toAttachment),
    },
    status: doc.status,
    attempts: doc.attempts,
    ...(doc.claimedUntil ? { claimedUntil: doc.claimedUntil } : {}),
    ...(doc.nextAttemptAt ? { nextAttemptAt: doc.nextAttemptAt } : {}),
    ...(doc.lastError === undefined ? {} : { lastError: doc.lastError }),
    ...(doc.sentAt ? { sentAt: doc.sentAt } : {}),
  };
}

function toAttachment(a: NoticeDoc['mail']['attachments'][number]): NoticeAttachment {
  return a.fileId !== undefined
    ? { filename: a.filename, contentType: a.contentType, fileId: a.fileId }
    : { filename: a.filename, contentType: a.contentType, text: a.text ?? '' };
}
