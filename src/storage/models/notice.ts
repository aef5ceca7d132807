// The `notices` collection: the durable mail queue (src/notifications/notice-store.ts).
// `_id` is the notice's idempotency key. Photos are referenced by their GridFS
// file id, never copied in; small text attachments (a report's CSV) are inline.
import { type Connection, type Model, Schema } from 'mongoose';
import type { NoticeStatus } from '../../notifications/notice-store.js';

export interface NoticeDoc {
  _id: string;
  kind: string;
  ticketNumber?: string;
  mail: {
    to: string[];
    subject: string;
    text: string;
    html?: string;
    messageId: string;
    replyTo?: string;
    inReplyTo?: string;
    references?: string[];
    attachments: { filename: string; contentType: string; fileId?: string; text?: string }[];
  };
  status: NoticeStatus;
  attempts: number;
  nextAttemptAt?: Date;
  claimedUntil?: Date;
  lastError?: string;
  createdAt: Date;
  sentAt?: Date;
  failedAt?: Date;
}

const attachment = new Schema({ filename: String, contentType: String, fileId: String, text: String }, { _id: false });

const noticeSchema = new Schema<NoticeDoc>(
  {
    _id: { type: String, required: true },
    kind: { type: String, required: true },
    ticketNumber: String,
    mail: {
      type: new Schema(
        {
          to: [String],
          subject: String,
          text: String,
          html: String,
          messageId: String,
          replyTo: String,
          inReplyTo: String,
          references: { type: [String], default: undefined },
          attachments: { type: [attachment], default: [] },
        },
        { _id: false },
      ),
      required: true,
    },
    status: { type: String, enum: ['pending', 'sending', 'sent', 'failed'], required: true },
    attempts: { type: Number, default: 0 },
    nextAttemptAt: Date,
    claimedUntil: Date,
    lastError: String,
    createdAt: { type: Date, required: true },
    sentAt: Date,
    failedAt: Date,
  },
  { collection: 'notices', versionKey: false },
);
// The sweep's two queries (FerretDB ignores secondary indexes; MongoDB uses them).
noticeSchema.index({ status: 1, nextAttemptAt: 1 });
noticeSchema.index({ status: 1, claimedUntil: 1 });

export type NoticeModel = Model<NoticeDoc>;

export function noticeModel(connection: Connection): NoticeModel {
  return connection.models.Notice as NoticeModel | undefined ?? connection.model<NoticeDoc>('Notice', noticeSchema);
}
