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

/** Where a sweep stopped, in `retention_runs` (beside the last run's counts). */
interface CursorDoc {
  _id: string;
  /** The stray-message sweep: the time of the last message looked at. */
  at?: Date;
  /** The conversation sweep: the key of the last conversation it kept (a person still served, never one deleted). */
  id?: string;
}

/** Messages read at once by the stray-message sweep. */
const CURSOR_BATCH = 500;

export function mongoRetentionSweeps(connection: Connection, attachments: Pick<AttachmentStore, 'remove'>): RetentionSweeps {
  const cursors = () => {
    if (!connection.db) throw new Error('the database connection is not open');
    return connection.db.collection<CursorDoc>('retention_runs');
  };
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
      // Where the last run stopped (a time: a message's key would name the person): the messages before it were looked
      // at (those in no thread deleted, those in a live thread go with their ticket), so each is examined about once
      // however many old threads are kept. Messages of the very same millisecond are looked at again, harmlessly.
      let cursorAt = (await cursors().findOne({ _id: 'cursor:messages' }))?.at;
      const tied: string[] = [];
      const counts = { messages: 0, photos: 0 };
      const verdicts = new Map<string, boolean>();
      for (let examined = 0; examined < limit && Date.now() < until.getTime();) {
        const filter = cursorAt ? { at: { $gte: cursorAt, $lt: cutoff }, _id: { $nin: tied } } : { at: { $lt: cutoff } };
        const batch = await messages.find(filter).sort({ at: 1, _id: 1 }).limit(CURSOR_BATCH).lean<MessageDoc[]>();
        const stray: MessageDoc[] = [];
        for (const m of batch) {
          const key = `${m.conversationKey}\u0000${String(m.session)}`;
          let kept = m.ticketNumber !== undefined || IN_FLIGHT.includes(m.status) ? true : verdicts.get(key);
          if (kept === undefined) verdicts.set(key, (kept = await inThread(m.conversationKey, m.session)));
          if (!kept) stray.push(m);
        }
        if (stray.length > 0) {
          counts.messages += (await messages.deleteMany({ _id: { $in: stray.map((m) => m._id) } })).deletedCount;
          counts.photos += await removeUnreferenced(connection, attachments, undefined, stray.flatMap(filesOf));
        }
        const last = batch.at(-1);
        if (!last) break;
        if (cursorAt?.getTime() !== last.at.getTime()) tied.length = 0;
        cursorAt = last.at;
        tied.push(...batch.filter((m) => m.at.getTime() === last.at.getTime()).map((m) => m._id));
        await cursors().replaceOne({ _id: 'cursor:messages' }, { at: cursorAt }, { upsert: true });
        examined += batch.length;
      }
      return counts;
    },

    async idleConversations(cutoff, until, limit) {
      const counts = { conversations: 0, messages: 0, people: 0 };
      // By key from where the last run stopped, round and round: a person with a live ticket is looked at again
      // only after everyone else, so they cannot keep the others waiting.
      const cursor = await cursors().findOne({ _id: 'cursor:conversations' });
      const idle = await conversations
        .find({ ...(cursor ? { _id: { $gt: cursor.id } } : {}), $or: [{ lastActivityAt: { $lt: cutoff } }, { lastActivityAt: { $exists: false }, updatedAt: { $lt: cutoff } }] })
        .sort({ _id: 1 })
        .limit(limit)
        .lean<ConversationDoc[]>();
      let lastKept: string | undefined;
      let examined = 0;
      for (const c of idle) {
        if (Date.now() >= until.getTime()) break;
        examined++;
        if ((c.lock && c.lock.until > new Date()) || (await hasLiveTicket(c))) {
          lastKept = c._id;
          continue;
        }
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
      // The cursor is a conversation that stays (a deleted one's key would outlive it); the end reached, the next run
      // starts from the first key again; nothing kept, it stays where it was (what was deleted is not met again).
      if (idle.length < limit && examined === idle.length) await cursors().deleteOne({ _id: 'cursor:conversations' });
      else if (lastKept !== undefined) await cursors().replaceOne({ _id: 'cursor:conversations' }, { id: lastKept }, { upsert: true });
      return counts;
    },

    notices: async (cutoff) => (await noticeModel(connection).deleteMany({ status: { $in: ['sent', 'failed'] }, createdAt: { $lt: cutoff } })).deletedCount,
    audit: async (cutoff) => (await auditModel(connection).deleteMany({ at: { $lt: cutoff } })).deletedCount,
  };
}
