// Everything stored about one person, found from the DPO's key (src/privacy/person-key.ts): their accounts (joined
// across channels by operators' merges, `people`), the tickets they reported or follow (by account, phone or email,
// and the contacts those tickets give in turn), their conversations, messages and data requests. Reads go by `_id`
// (conversations, people's keys) or by the indexed fields (reporter.phone, reporter.email, channel +
// reporter.channelUserId, messages' conversationKey, audit's ticket); every read is bounded.
import type { Connection } from 'mongoose';
import { isPerson, isReporter, type PersonMatch } from '../privacy/erase-person.js';
import { ACCOUNT_CHANNELS, formatPersonKey, type PersonQuery, phoneOfWhatsappId, whatsappIdOf } from '../privacy/person-key.js';
import type { Ticket } from '../tickets/model.js';
import { type AuditDoc, auditModel } from './models/audit.js';
import { type ConversationDoc, conversationModel } from './models/conversation.js';
import type { DataRequestDoc } from './models/data-request.js';
import { type MessageDoc, messageModel, threadOrder } from './models/message.js';
import { type PersonDoc, personModel } from './models/person.js';
import { ticketModel } from './models/ticket.js';
import type { PrivacyRequestStore } from './privacy-request-store.js';
import { storedReporter } from './ticket-store.js';

export type TicketDoc = Ticket & { _id: string };
interface Account { channel: string; channelUserId: string }

/** One person as found: what matches them, and every document naming them. */
export interface ResolvedPerson {
  readonly key: string;
  readonly match: PersonMatch;
  /** The accounts something stored names (a conversation, a ticket, a merge, a request), not merely guessed from a phone. */
  readonly accounts: readonly Account[];
  readonly reported: readonly TicketDoc[];
  readonly followed: readonly TicketDoc[];
  readonly conversations: readonly ConversationDoc[];
  readonly people: readonly PersonDoc[];
  readonly requests: readonly DataRequestDoc[];
}

/** Tickets read per person and per side (reported, followed): a person with more is a case for the database's tools. */
export const TICKETS_PER_PERSON = 500;
/** Rounds of "their tickets give more contacts": a phone typed once for a neighbour does not pull in a whole street. */
const ROUNDS = 3;
const MAX_ACCOUNTS = 50;
const MAX_MESSAGES = 20_000;

export const accountKey = (a: Account): string => `${a.channel}:${a.channelUserId}`;
export const found = (p: ResolvedPerson): boolean => p.reported.length + p.followed.length + p.conversations.length + p.people.length + p.requests.length > 0;

export interface PersonDataStore {
  /** The person a query names, expanded over their merges and tickets. */
  resolve(query: PersonQuery): Promise<ResolvedPerson>;
  /** Every message of their conversations (in and out), in the order they happened. */
  messages(person: ResolvedPerson): Promise<MessageDoc[]>;
  /** Audit entries about their tickets. */
  audit(person: ResolvedPerson, limit: number): Promise<AuditDoc[]>;
  counts(person: ResolvedPerson): Promise<{ messages: number; photos: number; audit: number }>;
  /** How many of these outbox messages a sender has yet to deliver. */
  outboundWaiting(ids: readonly string[]): Promise<number>;
}

class Collected {
  readonly accounts = new Map<string, Account>();
  readonly confirmed = new Set<string>();
  readonly phones = new Set<string>();
  readonly emails = new Set<string>();

  addAccount(account: Account, confirmed: boolean): boolean {
    const key = accountKey(account);
    if (confirmed) this.confirmed.add(key);
    if (this.accounts.has(key) || this.accounts.size >= MAX_ACCOUNTS) return false;
    this.accounts.set(key, { channel: account.channel, channelUserId: account.channelUserId });
    // An account that is itself a phone number or an address counts as one.
    if (account.channel === 'whatsapp') this.addPhone(phoneOfWhatsappId(account.channelUserId));
    if (account.channel === 'email') this.addEmail(account.channelUserId);
    return true;
  }

  addPhone(phone: string | undefined): boolean {
    if (!phone || this.phones.has(phone)) return false;
    this.phones.add(phone);
    this.addAccount({ channel: 'whatsapp', channelUserId: whatsappIdOf(phone) }, false);
    return true;
  }

  addEmail(email: string | undefined): boolean {
    const lower = email?.trim().toLowerCase();
    if (!lower || this.emails.has(lower)) return false;
    this.emails.add(lower);
    this.addAccount({ channel: 'email', channelUserId: lower }, false);
    return true;
  }

  /** What a reporter or a follower entry gives: their account on the ticket's channel, phone, email. */
  addContact(c: { channel?: string; channelUserId?: string; phone?: string; email?: string }): boolean {
    let more = false;
    if (c.channel && c.channelUserId && (ACCOUNT_CHANNELS as readonly string[]).includes(c.channel)) more = this.addAccount({ channel: c.channel, channelUserId: c.channelUserId }, true) || more;
    more = this.addPhone(c.phone) || more;
    return this.addEmail(c.email) || more;
  }

  match(): PersonMatch {
    return { identities: [...this.accounts.values()], phones: [...this.phones], emails: [...this.emails] };
  }
}

export function mongoPersonDataStore(connection: Connection, requests: PrivacyRequestStore): PersonDataStore {
  const tickets = ticketModel(connection);
  const conversations = conversationModel(connection);
  const people = personModel(connection);
  const messages = messageModel(connection);
  const audit = auditModel(connection);

  const reportedBy = async (m: PersonMatch): Promise<TicketDoc[]> => {
    const or: Record<string, unknown>[] = m.identities.map((i) => ({ channel: i.channel, 'reporter.channelUserId': i.channelUserId }));
    if (m.phones.length > 0) or.push({ 'reporter.phone': { $in: m.phones } });
    if (m.emails.length > 0) or.push({ 'reporter.email': { $in: m.emails } });
    if (or.length === 0) return [];
    const docs = await tickets.find({ $or: or }).sort({ createdAt: -1 }).limit(TICKETS_PER_PERSON).lean<TicketDoc[]>();
    return docs.map((d) => ({ ...d, reporter: storedReporter(d.reporter) })).filter((t) => isReporter(t, m));
  };
  // Without $elemMatch (FerretDB refuses it on sub-documents): a ticket matched by one follower's channel and another's
  // account is read and dropped by isPerson.
  const followedBy = async (m: PersonMatch): Promise<TicketDoc[]> => {
    const or: Record<string, unknown>[] = [];
    const ids = m.identities.map((i) => i.channelUserId);
    if (ids.length > 0) or.push({ 'followers.channelUserId': { $in: ids } });
    if (m.phones.length > 0) or.push({ 'followers.phone': { $in: m.phones } });
    if (m.emails.length > 0) or.push({ 'followers.email': { $in: m.emails } });
    if (or.length === 0) return [];
    const docs = await tickets.find({ $or: or }).sort({ createdAt: -1 }).limit(TICKETS_PER_PERSON).lean<TicketDoc[]>();
    return docs.map((d) => ({ ...d, reporter: storedReporter(d.reporter) })).filter((t) => !isReporter(t, m) && (t.followers ?? []).some((f) => isPerson(f, m)));
  };

  return {
    async resolve(query) {
      const c = new Collected();
      if (query.kind === 'phone') c.addPhone(query.phone);
      else if (query.kind === 'email') c.addEmail(query.email);
      else c.addAccount({ channel: query.channel, channelUserId: query.channelUserId }, false);
      let reported: TicketDoc[] = [];
      let followed: TicketDoc[] = [];
      let merged: PersonDoc[] = [];
      for (let round = 0; round < ROUNDS; round++) {
        merged = await people.find({ keys: { $in: [...c.accounts.keys()] } }).limit(MAX_ACCOUNTS).lean<PersonDoc[]>();
        let more = false;
        for (const p of merged) for (const i of p.identities) more = c.addAccount(i, true) || more;
        reported = await reportedBy(c.match());
        followed = await followedBy(c.match());
        for (const t of reported) more = c.addContact({ channel: t.channel, ...t.reporter }) || more;
        for (const t of followed) for (const f of t.followers ?? []) if (isPerson(f, c.match())) more = c.addContact(f) || more;
        if (!more) break;
      }
      const match = c.match();
      const convs = (await Promise.all(match.identities.map((i) => conversations.findById(accountKey(i)).lean<ConversationDoc>()))).filter((d): d is ConversationDoc => d !== null);
      for (const conv of convs) c.confirmed.add(conv._id);
      const reqs = await requests.ofAccounts(match.identities, 200);
      for (const r of reqs) c.confirmed.add(accountKey(r));
      return {
        key: formatPersonKey(query),
        match,
        accounts: match.identities.filter((i) => c.confirmed.has(accountKey(i))),
        reported,
        followed,
        conversations: convs,
        people: merged,
        requests: reqs,
      };
    },

    async messages(person) {
      const keys = person.conversations.map((conv) => conv._id);
      if (keys.length === 0) return [];
      const docs = await messages.find({ conversationKey: { $in: keys } }).limit(MAX_MESSAGES).lean<MessageDoc[]>();
      return docs.sort(threadOrder);
    },

    async audit(person, limit) {
      const numbers = [...person.reported, ...person.followed].map((t) => t._id);
      if (numbers.length === 0) return [];
      return audit.find({ ticket: { $in: numbers } }).sort({ at: 1 }).limit(limit).lean<AuditDoc[]>();
    },

    outboundWaiting: (ids) => messages.countDocuments({ _id: { $in: [...ids] }, status: { $in: ['pending', 'sending'] } }),

    async counts(person) {
      const keys = person.conversations.map((conv) => conv._id);
      const numbers = [...person.reported, ...person.followed].map((t) => t._id);
      const fileIds = new Set<string>();
      for (const t of person.reported) for (const a of t.attachments) fileIds.add(a.fileId);
      for (const t of [...person.reported, ...person.followed]) for (const f of t.followers ?? []) if (isPerson(f, person.match)) for (const a of f.attachments ?? []) fileIds.add(a.fileId);
      let messageCount = 0;
      if (keys.length > 0) {
        messageCount = await messages.countDocuments({ conversationKey: { $in: keys } });
        const withPhotos = await messages.find({ conversationKey: { $in: keys }, photos: { $exists: true } }).select({ photos: 1 }).limit(MAX_MESSAGES).lean<MessageDoc[]>();
        for (const m of withPhotos) for (const p of m.photos ?? []) fileIds.add(p.fileId);
      }
      const auditCount = numbers.length === 0 ? 0 : await audit.countDocuments({ ticket: { $in: numbers } });
      return { messages: messageCount, photos: fileIds.size, audit: auditCount };
    },
  };
}
