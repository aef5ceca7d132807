// The DPO's erasure and correction of one person, applied (plans: src/privacy/erase-person.ts). Every ticket is
// changed by ONE conditional update on `_id` and its read `version` (read again and planned again when someone else
// changed it meanwhile); everything else is deleted by `_id` or by a condition that stays true once met, so an
// erasure interrupted halfway is finished by the next call, and a second call finds nothing more to do.
import { createHash } from 'node:crypto';
import { type Connection, mongo } from 'mongoose';
import { type PersonMatch, type PhotoDecision, isPerson, planFollowerErasure, planReporterErasure } from '../privacy/erase-person.js';
import type { TicketAnonymisation } from '../privacy/anonymise.js';
import type { Follower, HistoryEntry, Reporter } from '../tickets/model.js';
import { ATTACHMENT_BUCKET, type AttachmentStore } from './attachments.js';
import { auditModel } from './models/audit.js';
import { conversationModel } from './models/conversation.js';
import { emailThreadModel } from './models/email.js';
import { idempotencyModel } from './models/idempotency.js';
import { type MessageDoc, messageModel } from './models/message.js';
import { noticeModel } from './models/notice.js';
import { personModel } from './models/person.js';
import { ticketModel } from './models/ticket.js';
import { accountKey, type ResolvedPerson, type TicketDoc } from './person-data-store.js';
import type { PrivacyRequestStore } from './privacy-request-store.js';
import { filesOf, leaveNearbyIndex, removeUnreferenced } from './retention-store.js';
import { storedReporter } from './ticket-store.js';

export interface ErasureCounts { tickets: number; messages: number; photos: number; conversations: number }
export type Correction = Pick<Reporter, 'name' | 'phone' | 'email' | 'address'>;

export interface PersonErasure {
  erase(person: ResolvedPerson, photos: PhotoDecision, actor: string, now: Date): Promise<ErasureCounts>;
  /** Sets the corrected fields on every ticket they reported (with a history entry) and on their follower entries; how many tickets. */
  correct(person: ResolvedPerson, fields: Correction, note: string, actor: string, now: Date): Promise<number>;
}

const ATTEMPTS = 5;
/** Idempotency answers and audit entries looked through for the person's values (both expire: bounded anyway). */
const SCAN_LIMIT = 20_000;

/**
 * The values that name the person, as text may hold them (a phone also as 0812… and 62812…): what must not survive.
 * `contacts`: those that reach them (phones, emails, accounts), which no other text holds by chance; `all` adds their
 * names and addresses ("Budi" is also in an operator's username).
 */
export function valuesOf(person: ResolvedPerson): { contacts: string[]; all: string[] } {
  const contacts = new Set<string>();
  const words = new Set<string>();
  const add = (to: Set<string>, v: string | undefined) => { if (v && v.trim().length >= 4) to.add(v.trim()); };
  for (const p of person.match.phones) { add(contacts, p); add(contacts, p.slice(1)); if (p.startsWith('+62')) add(contacts, `0${p.slice(3)}`); }
  for (const e of person.match.emails) add(contacts, e);
  for (const i of person.match.identities) add(contacts, i.channelUserId);
  const entries = [...person.reported.map((t) => t.reporter), ...[...person.reported, ...person.followed].flatMap((t) => (t.followers ?? []).filter((f) => isPerson(f, person.match)))];
  for (const c of entries) { add(words, c.name); add(words, c.address); add(contacts, c.email); }
  for (const conv of person.conversations) { add(words, conv.state?.profile?.name); add(words, conv.state?.profile?.address); }
  return { contacts: [...contacts], all: [...contacts, ...words] };
}

/** Whether a text holds one of the values, also URL-encoded (a request's path) or spaced out (a phone as 0812-7777-3131). */
export function mentions(text: string, values: readonly string[]): boolean {
  const lower = text.toLowerCase();
  let decoded = lower;
  try { decoded = decodeURIComponent(lower); } catch { /* not URL-encoded */ }
  const compact = (t: string) => t.replace(/[\s().-]/g, '');
  const texts = [lower, decoded, compact(decoded)];
  return values.some((v) => texts.some((t) => t.includes(v.toLowerCase()) || t.includes(compact(v.toLowerCase()))));
}

export function mongoPersonErasure(connection: Connection, attachments: Pick<AttachmentStore, 'remove'>, requests: PrivacyRequestStore): PersonErasure {
  const tickets = ticketModel(connection);
  const messages = messageModel(connection);

  /** Plans against the ticket as stored now and applies the plan if nobody changed it meanwhile; the plan applied, or null. */
  const update = async (number: string, plan: (t: TicketDoc) => TicketAnonymisation | null, extra: Record<string, unknown> = {}): Promise<TicketAnonymisation | null> => {
    for (let attempt = 0; attempt < ATTEMPTS; attempt++) {
      const doc = await tickets.findById(number).lean<TicketDoc>();
      if (!doc) return null;
      const ticket = { ...doc, reporter: storedReporter(doc.reporter) };
      const p = plan(ticket);
      if (!p) return null;
      const change: Record<string, unknown> = { $set: p.set, ...extra };
      if (p.unset.length > 0) change.$unset = Object.fromEntries(p.unset.map((f) => [f, 1]));
      if ((await tickets.updateOne({ _id: number, version: doc.version }, change)).modifiedCount === 1) return p;
    }
    throw new Error(`ticket ${number} kept changing during a personal data update`);
  };

  /** A kept photo loses the file name GridFS stored with it too. */
  const unnameFiles = async (fileIds: readonly string[]) => {
    if (!connection.db) return;
    const files = connection.db.collection(`${ATTACHMENT_BUCKET}.files`);
    for (const id of fileIds) if (/^[0-9a-f]{24}$/i.test(id)) await files.updateOne({ _id: new mongo.ObjectId(id) }, { $set: { filename: id } });
  };

  /** The collections where a value may sit in free text, not in a field of the person. */
  const forgetElsewhere = async (person: ResolvedPerson, values: { contacts: readonly string[]; all: readonly string[] }): Promise<void> => {
    const numbers = person.reported.map((t) => t._id);
    // Mail about their tickets (the agency's notice quotes the reporter, maybe under a name corrected since), and mail
    // to them. The ticket itself stays in the agency's inbox.
    const notices = noticeModel(connection);
    if (numbers.length > 0) await notices.deleteMany({ ticketNumber: { $in: numbers } });
    if (person.match.emails.length > 0) await notices.deleteMany({ 'mail.to': { $in: person.match.emails } });
    // A stored answer of an inbox action (replayed to a double click) or its path may name them: it only loses its replay.
    const idempotency = idempotencyModel(connection);
    for (const doc of await idempotency.find().select({ request: 1, body: 1 }).limit(SCAN_LIMIT).lean()) {
      if (mentions(`${doc.request} ${doc.body ?? ''}`, values.all)) await idempotency.deleteOne({ _id: doc._id });
    }
    // Audit details carry no personal values by rule; one that holds a contact of theirs (an older version's) loses its
    // detail, not its entry. Names are not looked for: an operator's username may hold the same word.
    const audit = auditModel(connection);
    if (numbers.length > 0) for (const entry of await audit.find({ ticket: { $in: numbers } }).limit(SCAN_LIMIT).lean()) {
      if (entry.detail && mentions(JSON.stringify(entry.detail), values.contacts)) await audit.updateOne({ _id: entry._id }, { $set: { detail: { redacted: true } } });
    }
    // The retention sweep's bookmark is a conversation's key.
    if (connection.db) await connection.db.collection<{ _id: string; id?: string }>('retention_runs').deleteOne({ _id: 'cursor:conversations', id: { $in: person.match.identities.map(accountKey) } });
  };

  return {
    async erase(person, photos, actor, now) {
      const counts: ErasureCounts = { tickets: 0, messages: 0, photos: 0, conversations: 0 };
      const values = valuesOf(person);
      const keys = person.match.identities.map(accountKey);
      const files: string[] = [];
      // Messages first (in and out of their conversations: the thread's keys name their chat), with the messages of the
      // threads of tickets they reported that no remaining follower wrote (an agency's mail quoting the report).
      const theirs = { conversationKey: { $in: keys } };
      files.push(...(await messages.find({ ...theirs, $or: [{ photos: { $exists: true } }, { voice: { $exists: true } }] }).select({ photos: 1, voice: 1 }).lean<MessageDoc[]>()).flatMap(filesOf));
      counts.messages += (await messages.deleteMany(theirs)).deletedCount;
      for (const t of person.reported) {
        const others = (t.followers ?? []).filter((f) => !isPerson(f, person.match)).flatMap((f) => [f.intake?.conversationKey, f.channelUserId ? `${f.channel}:${f.channelUserId}` : undefined]).filter((k): k is string => k !== undefined);
        counts.messages += (await messages.deleteMany({ ticketNumber: t._id, conversationKey: { $nin: others } })).deletedCount;
      }
      const kept: string[] = [];
      for (const t of person.reported) {
        const done = await update(t._id, (current) => (current.anonymisedAt ? null : planReporterErasure(current, person.match, now, photos)));
        if (!done) continue;
        counts.tickets++;
        files.push(...done.deletePhotos);
        if (photos === 'keep') kept.push(...t.attachments.map((a) => a.fileId), ...followerFiles(t, person.match));
        await emailThreadModel(connection).deleteOne({ _id: `ticket:${t._id}` });
        await leaveNearbyIndex(connection, t);
      }
      for (const t of person.followed) {
        const done = await update(t._id, (current) => planFollowerErasure(current, person.match, photos));
        if (!done) continue;
        counts.tickets++;
        files.push(...done.deletePhotos);
        if (photos === 'keep') kept.push(...followerFiles(t, person.match));
      }
      // With `keep` the plans delete nothing: what goes is what no ticket shows any more (a photo sent in a report
      // left half-way, whose message went above); the photos kept lose their names.
      counts.photos += await removeUnreferenced(connection, attachments, undefined, files);
      if (photos === 'keep') await unnameFiles(kept);
      // Their conversations (state: name, address, answers), merges and mail threads.
      for (const conv of person.conversations) counts.conversations += (await conversationModel(connection).deleteOne({ _id: conv._id })).deletedCount;
      for (const p of person.people) await personModel(connection).deleteOne({ _id: p._id });
      await emailThreadModel(connection).deleteMany({ _id: { $in: person.match.emails.map((e) => `addr:${e}`) } });
      for (const r of person.requests) await requests.blank(r, actor, now);
      await forgetElsewhere(person, values);
      return counts;
    },

    async correct(person, fields, note, actor, now) {
      const set: Record<string, string> = {};
      for (const [k, v] of Object.entries(fields) as [string, string | undefined][]) if (v !== undefined) set[k] = v;
      let count = 0;
      for (const t of person.reported) {
        const entry = (status: HistoryEntry['to']): HistoryEntry => ({ at: now, actor: actor as HistoryEntry['actor'], action: 'reporter_correct', from: status, to: status, note });
        const done = await update(t._id, (current) => (current.anonymisedAt ? null : {
          set: { ...Object.fromEntries(Object.entries(set).map(([k, v]) => [`reporter.${k}`, v])), updatedAt: now, ...followersCorrected(current.followers, person.match, set) },
          unset: [],
          deletePhotos: [],
        }), { $push: { history: entry(t.status) }, $inc: { version: 1 } });
        if (done) count++;
      }
      for (const t of person.followed) {
        if (await update(t._id, (current) => ({ set: followersCorrected(current.followers, person.match, set), unset: [], deletePhotos: [] }))) count++;
      }
      return count;
    },
  };
}

/** The photos of their follower entries on a ticket. */
const followerFiles = (t: TicketDoc, match: PersonMatch): string[] => (t.followers ?? []).filter((f) => isPerson(f, match)).flatMap((f) => (f.attachments ?? []).map((a) => a.fileId));

/** Their follower entries with the corrected fields (others untouched); nothing when they follow nothing here. */
function followersCorrected(followers: readonly Follower[] | undefined, match: PersonMatch, set: Record<string, unknown>): Record<string, unknown> {
  if (!followers?.some((f) => isPerson(f, match))) return {};
  return { followers: followers.map((f) => (isPerson(f, match) ? { ...f, ...set } : f)) };
}

/** A stable, non-reversible name of a person key for the audit trail (the key itself is a phone or an account). */
export const personRef = (key: string): string => `person:${createHash('sha256').update(key).digest('hex').slice(0, 16)}`;
