// The email channel's own state. `email_cursors`: per mailbox, the UIDVALIDITY
// and the last UID whose mail is safely in the inbound log (`_id`
// `<user>@<host>/<mailbox>`). `email_threads`: what a reply must refer to
// (subject, Message-IDs), per reporter address (`addr:<address>`) and per
// ticket (`ticket:<number>`).
import { type Connection, type Model, Schema } from 'mongoose';

export interface EmailCursorDoc {
  _id: string;
  uidValidity: number;
  lastUid: number;
  updatedAt: Date;
}

export interface EmailThreadDoc {
  _id: string;
  subject: string;
  /** The newest message of the thread, which our next mail answers. */
  messageId: string;
  /** References of that message plus itself, the oldest first (capped). */
  references: string[];
  updatedAt: Date;
}

const cursorSchema = new Schema<EmailCursorDoc>({ _id: String, uidValidity: Number, lastUid: Number, updatedAt: Date }, { collection: 'email_cursors', versionKey: false });
const threadSchema = new Schema<EmailThreadDoc>({ _id: String, subject: String, messageId: String, references: [String], updatedAt: Date }, { collection: 'email_threads', versionKey: false });

export function emailCursorModel(connection: Connection): Model<EmailCursorDoc> {
  return connection.models.EmailCursor as Model<EmailCursorDoc> | undefined ?? connection.model<EmailCursorDoc>('EmailCursor', cursorSchema);
}

export function emailThreadModel(connection: Connection): Model<EmailThreadDoc> {
  return connection.models.EmailThread as Model<EmailThreadDoc> | undefined ?? connection.model<EmailThreadDoc>('EmailThread', threadSchema);
}
