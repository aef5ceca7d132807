// Retention of what belongs to no ticket (README "Retention of personal data"): messages outside every ticket's
// thread, conversations (their key is the person's chat id or phone, their state their name and address) of
// people with no ticket still holding personal data, their `people` merges and mail threads, sent mail and old
// audit entries. Every deletion is by `_id` or by a condition that stays true once met: safe to run twice.
import type { Connection } from 'mongoose';
import type { AttachmentStore } from './attachments.js';
import { auditModel } from './models/audit.js';
import { type ConversationDoc, conversationModel } from './models/conversation.js';
import { emailThreadModel } from './models/email.js';
import { type MessageDoc, type MessageStatus, messageModel } from './models/message.js';
import { noticeModel } from './models/notice.js';
import { personModel } from './models/person.js';
import { ticketModel } from './models/ticket.js';
import { filesOf, removeUnreferenced } from './retention-store.js';

/** Messages a sender may still be working on are left alone, whatever their age. */
const IN_FLIGHT: MessageStatus[] = ['pending', 'sending'];

export interface RetentionSweeps {
  /** Messages before `cutoff` in no ticket's thread (questions, reports left half-way), and their files. */
  strayMessages(cutoff: Date, until: Date, limit: number): Promise<{ messages: number; photos: number }>;
  /** Conversations idle since before `cutoff` whose person has no ticket still carrying personal data: with their messages, merges and mail thread. */
  idleConversations(cutoff: Date, until: Date, limit: number): Promise<{ conversations: number; messages: number; people: number }>;
  /** Mail sent or given up on before `cutoff`. */
  notices(cutoff: Date): Promise<number>;
  /** Audit entries before `cutoff`. */
  audit(cutoff: Date): Promise<number>;
}

export function mongoRetentionSweeps(connection: Connection, attachments: Pick<AttachmentStore, 'remove'>): RetentionSweeps {
  const messages = messageModel(connection);
  const tickets = ticketModel(connection);
  const conversations = conversationModel(connection);
  const people = personModel(connection);

  // Without $elemMatch on sub-documents (FerretDB refuses it): a false match keeps data one run longer, never loses any.
  /** Whether a ticket's thread takes in this session of the conversation (its intake, or a follower's). */
  const inThread = async (conversationKey: string, session: number) =>
    (await tickets.exists({ $or: [{ 'intake.conversationKey': conversationKey, 'intake.session': session }, { 'followers.intake.conversationKey': conversationKey, 'followers.intake.session': session }] })) !== null;

  /** Whether this person has a ticket (as reporter or follower) not yet anonymised. */
  const hasLiveTicket = async (c: Pick<ConversationDoc, 'channel' | 'channelUserId'>) =>
    (await tickets.exists({
      anonymisedAt: { $exists: false },
      $or: [{ channel: c.channel, 'reporter.channelUserId': c.channelUserId }, { 'followers.channelUserId': c.channelUserId, 'followers.channel': c.channel }],
    })) !== null;

  return {
    async strayMessages(cutoff, until, limit) {
      const old = await messages.find({ at: { $lt: cutoff }, ticketNumber: { $exists: false }, status: { $nin: IN_FLIGHT } }).sort({ at: 1 }).limit(limit).lean<MessageDoc[]>();
      const verdicts = new Map<string, boolean>();
      const stray: MessageDoc[] = [];
      for (const m of old) {
        if (Date.now() >= until.getTime()) break;
        const key = `${m.conversationKey}\u0000${String(m.session)}`;
        let kept = verdicts.get(key);
        if (kept === undefined) verdicts.set(key, (kept = await inThread(m.conversationKey, m.session)));
        if (!kept) stray.push(m);
      }
      if (stray.length === 0) return { messages: 0, photos: 0 };
      const deleted = (await messages.deleteMany({ _id: { $in: stray.map((m) => m._id) } })).deletedCount;
      const photos = await removeUnreferenced(connection, attachments, undefined, stray.flatMap(filesOf));
      return { messages: deleted, photos };
    },

    async idleConversations(cutoff, until, limit) {
      const counts = { conversations: 0, messages: 0, people: 0 };
      const idle = await conversations
        .find({ $or: [{ lastActivityAt: { $lt: cutoff } }, { lastActivityAt: { $exists: false }, updatedAt: { $lt: cutoff } }] })
        .limit(limit)
        .lean<ConversationDoc[]>();
      for (const c of idle) {
        if (Date.now() >= until.getTime()) break;
        if (c.lock && c.lock.until > new Date()) continue;
        if (await hasLiveTicket(c)) continue;
        // Messages first (the conversation's counters order them): a crash leaves the conversation, found again next run.
        counts.messages += (await messages.deleteMany({ conversationKey: c._id })).deletedCount;
        const key = `${c.channel}:${c.channelUserId}`;
        for (const person of await people.find({ keys: key }).select({ _id: 1 }).lean<{ _id: string }[]>()) {
          await people.updateOne({ _id: person._id }, { $pull: { keys: key, identities: { channel: c.channel, channelUserId: c.channelUserId } } });
          // A merge of one identity is no merge: the document goes.
          counts.people += (await people.deleteOne({ _id: person._id, 'keys.1': { $exists: false } })).deletedCount;
        }
        if (c.channel === 'email') await emailThreadModel(connection).deleteMany({ _id: { $in: [`addr:${c.channelUserId}`, `addr:${c.channelUserId.toLowerCase()}`] } });
        // Only if nothing happened meanwhile: a message that came in since keeps the conversation.
        counts.conversations += (await conversations.deleteOne({ _id: c._id, lastActivityAt: c.lastActivityAt ?? { $exists: false } })).deletedCount;
      }
      return counts;
    },

    notices: async (cutoff) => (await noticeModel(connection).deleteMany({ status: { $in: ['sent', 'failed'] }, createdAt: { $lt: cutoff } })).deletedCount,
    audit: async (cutoff) => (await auditModel(connection).deleteMany({ at: { $lt: cutoff } })).deletedCount,
  };
}
