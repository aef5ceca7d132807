// The operator inbox's reads: the ticket list with filters and keyset
// pagination, a ticket's thread, internal notes, and the stored reports.
import type { Connection } from 'mongoose';
import type { Channel, InternalNote, Ticket, TicketStatus } from '../tickets/model.js';
import { type MessageDoc, messageModel, threadOrder } from './models/message.js';
import { type ReportDoc, reportModel } from './models/report.js';
import { ticketModel } from './models/ticket.js';
import { storedReporter } from './ticket-store.js';

export interface TicketQuery {
  readonly status?: TicketStatus;
  readonly agency?: string;
  readonly category?: string;
  readonly channel?: Channel;
  /** A pending deadline has passed, or the current stage's target was missed. */
  readonly overdue?: boolean;
  /** Part of the number, the description, the reporter's name, phone (any spelling), email or address, or the location's address. */
  readonly text?: string;
  /**
   * Search the reporter's phone, email and address too (default). False for an operator who sees them masked: a match
   * on a typed number would confirm what the mask hides.
   */
  readonly personalSearch?: boolean;
  /** The owner's username (`mine`), or `null` for tickets nobody has taken yet. */
  readonly owner?: string | null;
  /** A label's code. */
  readonly label?: string;
  /**
   * `newest` (default); `deadline`: the tickets with a running deadline, the soonest (most overdue) first;
   * `status` or `agency`: by that code (no agency first), the newest first within each; `followers`: the most
   * citizens first (reporter and followers), the newest first among equals.
   */
  readonly sort?: TicketSort;
  /**
   * Where the list continues: the last ticket of the previous page (its `createdAt`, or its `deadline.at` when sorted by
   * deadline; `value` its status or agency, '' for none, when sorted by those; its `followerCount`, '' for none, when sorted by followers).
   */
  readonly after?: { readonly at: Date; readonly number: string; readonly value?: string };
  readonly limit: number;
}

export const TICKET_SORTS = ['newest', 'deadline', 'status', 'agency', 'followers'] as const;
export type TicketSort = (typeof TICKET_SORTS)[number];

export type TicketListItem = Omit<Ticket, 'history' | 'result' | 'notes' | 'followers'>;

export interface ReportSummary {
  readonly id: string;
  readonly kind: string;
  readonly label: string;
  readonly agency?: string;
  readonly createdAt: Date;
}

export interface InboxStore {
  /** Newest first (or soonest deadline first); `limit + 1` are read so the caller knows whether a next page exists. */
  list(query: TicketQuery, now: Date): Promise<TicketListItem[]>;
  /** How many tickets match the query's filters (its `after` and `limit` ignored). */
  count(query: TicketQuery, now: Date): Promise<number>;
  /** The ticket's messages, and its followers' (their report's session, and the thread of a ticket merged into this one). */
  thread(ticket: Pick<Ticket, 'number' | 'intake'> & Partial<Pick<Ticket, 'followers'>>, limit: number): Promise<MessageDoc[]>;
  addNote(number: string, note: InternalNote): Promise<boolean>;
  /**
   * Sets or clears the owner if it is still `expected` (`null`: nobody), in one conditional update, so of two
   * operators pressing "Ambil" at once exactly one gets the ticket. The ticket after, or null when the owner had changed.
   */
  setOwner(number: string, owner: string | null, expected: string | null, now: Date): Promise<Ticket | null>;
  reports(agency?: string): Promise<ReportSummary[]>;
  report(id: string): Promise<ReportDoc | null>;
}

const escapeRegex = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

export function ticketFilter(query: TicketQuery, now: Date): Record<string, unknown> {
  const and: Record<string, unknown>[] = [];
  if (query.status) and.push({ status: query.status });
  if (query.agency) and.push({ agency: query.agency });
  if (query.category) and.push({ category: query.category });
  if (query.channel) and.push({ channel: query.channel });
  if (query.label) and.push({ labels: query.label });
  if (query.owner !== undefined) and.push({ owner: query.owner ?? { $exists: false } });
  if (query.overdue === true) {
    and.push({
      $or: [
        { status: 'open', $or: [{ 'due.firstResponse': { $lte: now } }, { 'slaBreaches.kind': 'firstResponse' }] },
        { status: 'in_progress', $or: [{ 'due.followUp': { $lte: now } }, { 'slaBreaches.kind': 'followUp' }] },
      ],
    });
  }
  const text = query.text?.trim();
  if (text) {
    const pattern = { $regex: escapeRegex(text), $options: 'i' };
    const or: Record<string, unknown>[] = [
      { number: pattern },
      { 'reporter.name': pattern },
      ...(query.personalSearch === false ? [] : [{ 'reporter.email': pattern }, { 'reporter.address': pattern }]),
      { 'location.address': pattern },
      { description: pattern },
    ];
    // 0812-7777-8888, 62812…, +62 812…: phones are stored as +62812…, so match on the digits after the country code.
    const digits = text.replace(/\D/g, '').replace(/^(?:62|0)/, '');
    if (query.personalSearch !== false && digits.length >= 6 && /^[\d\s+()-]+$/.test(text)) or.push({ 'reporter.phone': { $regex: escapeRegex(digits) } });
    and.push({ $or: or });
  }
  if (query.sort === 'deadline') {
    // A running deadline is the agency's: only open and in-progress tickets have one that counts.
    and.push({ status: { $in: ['open', 'in_progress'] }, 'deadline.at': { $exists: true } });
    if (query.after) and.push({ $or: [{ 'deadline.at': { $gt: query.after.at } }, { 'deadline.at': query.after.at, _id: { $gt: query.after.number } }] });
  } else if (query.after) {
    const older = { $or: [{ createdAt: { $lt: query.after.at } }, { createdAt: query.after.at, _id: { $lt: query.after.number } }] };
    if (query.sort === 'status' || query.sort === 'agency') {
      // Ascending by the code (a ticket without an agency first), then newest first within one code.
      const field = query.sort;
      const value = query.after.value ?? '';
      const same = value === '' ? { [field]: { $exists: false } } : { [field]: value };
      and.push({ $or: [{ [field]: value === '' ? { $exists: true } : { $gt: value } }, { $and: [same, older] }] });
    } else if (query.sort === 'followers') {
      // Descending by the count; a ticket nobody followed yet has none stored and comes after every count.
      const value = query.after.value ?? '';
      const count = Number(value);
      and.push(value === '' || !Number.isInteger(count)
        ? { $and: [{ followerCount: { $exists: false } }, older] }
        : { $or: [{ followerCount: { $lt: count } }, { followerCount: { $exists: false } }, { $and: [{ followerCount: count }, older] }] });
    } else {
      and.push(older);
    }
  }
  return conjunction(and);
}

/**
 * All of the parts, as one flat document where their keys do not collide ({status, agency, category}) and
 * `$and` only for the rest: the same documents match, but FerretDB's PostgreSQL engine pushes top-level
 * equalities down to SQL and leaves `$and` to itself, reading every ticket (README, "Benchmark").
 */
export function conjunction(parts: readonly Record<string, unknown>[]): Record<string, unknown> {
  const flat: Record<string, unknown> = {};
  const rest: Record<string, unknown>[] = [];
  for (const part of parts) {
    if (Object.keys(part).some((key) => key in flat || key === '$and')) rest.push(part);
    else Object.assign(flat, part);
  }
  return rest.length === 0 ? flat : { ...flat, $and: rest };
}

/** The list's order for each sort; every one ends in `_id` so a keyset page never skips or repeats a ticket. */
export function ticketOrder(sort: TicketSort | undefined): Record<string, 1 | -1> {
  switch (sort) {
    case 'deadline':
      return { 'deadline.at': 1, _id: 1 };
    case 'status':
      return { status: 1, createdAt: -1, _id: -1 };
    case 'agency':
      return { agency: 1, createdAt: -1, _id: -1 };
    case 'followers':
      return { followerCount: -1, createdAt: -1, _id: -1 };
    default:
      return { createdAt: -1, _id: -1 };
  }
}

export function mongoInboxStore(connection: Connection): InboxStore {
  const tickets = ticketModel(connection);
  const messages = messageModel(connection);
  const reports = reportModel(connection);
  return {
    async list(query, now) {
      const docs = await tickets
        .find(ticketFilter(query, now), { history: 0, result: 0, notes: 0, followers: 0 })
        .sort(ticketOrder(query.sort))
        .limit(query.limit + 1)
        .lean<(TicketListItem & { _id: string })[]>();
      // An anonymous report's empty reporter is not stored (ticket-store.ts).
      return docs.map(({ _id, ...ticket }) => ({ ...ticket, reporter: storedReporter(ticket.reporter) }));
    },
    count: (query, now) => tickets.countDocuments(ticketFilter({ ...query, after: undefined }, now)),
    async thread(ticket, limit) {
      const or: Record<string, unknown>[] = [{ ticketNumber: ticket.number }];
      if (ticket.intake) or.push({ conversationKey: ticket.intake.conversationKey, session: ticket.intake.session });
      for (const follower of ticket.followers ?? []) {
        if (follower.intake) or.push({ conversationKey: follower.intake.conversationKey, session: follower.intake.session });
        if (follower.fromTicket) or.push({ ticketNumber: follower.fromTicket });
      }
      // One query per branch, not one `$or`: FerretDB's PostgreSQL engine filters each branch's equalities in SQL
      // but reads every message for an `$or` (README, "Benchmark"). Each branch's first `limit`, merged, gives
      // the same first `limit` as the `$or` would; a message matching two branches counts once.
      const branches = await Promise.all(or.map((branch) => messages.find(branch).sort({ at: 1, _id: 1 }).limit(limit).lean<MessageDoc[]>()));
      const byAt = (a: MessageDoc, b: MessageDoc) => a.at.getTime() - b.at.getTime() || (a._id < b._id ? -1 : a._id > b._id ? 1 : 0);
      const thread = [...new Map(branches.flat().map((m) => [m._id, m])).values()].sort(byAt).slice(0, limit);
      // A stable sort: messages recorded in the same millisecond keep their order by `at` and `_id`.
      return thread.sort(threadOrder);
    },
    async addNote(number, note) {
      // Not a state change: the version stays, so a note never makes another operator's transition fail.
      const result = await tickets.updateOne({ _id: number }, { $push: { notes: note } });
      return result.matchedCount === 1;
    },
    async setOwner(number, owner, expected, now) {
      // `updatedAt` only: ownership is not a life-cycle step, so `version` (and a colleague's open screen) stays valid.
      const doc = await tickets
        .findOneAndUpdate({ _id: number, owner: expected ?? { $exists: false } }, owner === null ? { $unset: { owner: 1 }, $set: { updatedAt: now } } : { $set: { owner, updatedAt: now } }, { returnDocument: 'after' })
        .lean<Ticket & { _id?: string }>();
      if (!doc) return null;
      const { _id, ...ticket } = doc;
      return { ...ticket, reporter: storedReporter(ticket.reporter) };
    },
    async reports(agency) {
      const filter = agency ? { kind: 'monev', agency } : {};
      const docs = await reports.find(filter, { data: 0, csv: 0 }).sort({ createdAt: -1 }).limit(500).lean<ReportDoc[]>();
      return docs.map((d) => ({ id: d._id, kind: d.kind, label: d.label, ...(d.agency ? { agency: d.agency } : {}), createdAt: d.createdAt }));
    },
    report: (id) => reports.findById(id).lean<ReportDoc>(),
  };
}
