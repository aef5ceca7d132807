// MongoDB implementation of the email channel's state (see models/email.ts).
import type { Connection } from 'mongoose';
import { emailCursorModel, emailThreadModel } from './models/email.js';

export interface MailboxCursor {
  readonly uidValidity: number;
  readonly lastUid: number;
}

export interface EmailThread {
  readonly subject: string;
  readonly messageId: string;
  readonly references: readonly string[];
}

export interface EmailStore {
  cursor(mailbox: string): Promise<MailboxCursor | undefined>;
  saveCursor(mailbox: string, cursor: MailboxCursor): Promise<void>;
  thread(key: string): Promise<EmailThread | undefined>;
  saveThread(key: string, thread: EmailThread): Promise<void>;
  /** Stores the thread only if the key has none yet (the first mail about a ticket starts it). */
  startThread(key: string, thread: EmailThread): Promise<EmailThread>;
}

const MAX_REFERENCES = 20;

export function mongoEmailStore(connection: Connection): EmailStore {
  const cursors = emailCursorModel(connection);
  const threads = emailThreadModel(connection);
  const capped = (thread: EmailThread) => ({ ...thread, references: thread.references.slice(-MAX_REFERENCES) });
  return {
    async cursor(mailbox) {
      const doc = await cursors.findById(mailbox).lean();
      return doc ? { uidValidity: doc.uidValidity, lastUid: doc.lastUid } : undefined;
    },
    async saveCursor(mailbox, { uidValidity, lastUid }) {
      await cursors.updateOne({ _id: mailbox }, { $set: { uidValidity, lastUid, updatedAt: new Date() } }, { upsert: true });
    },
    async thread(key) {
      const doc = await threads.findById(key).lean();
      return doc ? { subject: doc.subject, messageId: doc.messageId, references: doc.references } : undefined;
    },
    async saveThread(key, thread) {
      await threads.updateOne({ _id: key }, { $set: { ...capped(thread), updatedAt: new Date() } }, { upsert: true });
    },
    async startThread(key, thread) {
      const doc = await threads.findOneAndUpdate({ _id: key }, { $setOnInsert: { ...capped(thread), updatedAt: new Date() } }, { upsert: true, returnDocument: 'after' }).lean();
      return { subject: doc.subject, messageId: doc.messageId, references: doc.references };
    },
  };
}
