// What the report jobs read and write.
import type { Connection } from 'mongoose';
import type { Report } from '../reports/report.js';
import type { RatedTicket } from '../reports/satisfaction.js';
import type { Ticket } from '../tickets/model.js';
import { reportModel } from './models/report.js';
import { ticketModel } from './models/ticket.js';

export interface ReportStore {
  /** Oldest first; `limit` bounds the dashboard's read (indexes `{createdAt}`, `{agency, status, createdAt}`). */
  ticketsCreated(from: Date, to: Date, agency?: string, limit?: number): Promise<Ticket[]>;
  /** Tickets created before `before` that stopped waiting on an agency since `since` (the dashboard's backlog at the range's start). */
  finishedSince(before: Date, since: Date, agency: string | undefined, limit: number): Promise<Ticket[]>;
  /** Tickets still waiting on an agency (open or in progress). */
  unfinished(agency?: string): Promise<Ticket[]>;
  /** Tickets a citizen rated in the period (index `{satisfaction.at, agency}`): number, agency and rating only. */
  rated(from: Date, to: Date, agency?: string, limit?: number): Promise<RatedTicket[]>;
  save(report: Report, csv: string, now: Date): Promise<void>;
  /** Records when a report's mail was sent (told by the mail queue, whose notice `report:<id>` is the mail itself). */
  markSent(id: string, at: Date): Promise<void>;
  get(id: string): Promise<{ data: Record<string, unknown>; csv: string; sentAt?: Date } | null>;
}

export function mongoReportStore(connection: Connection): ReportStore {
  const tickets = ticketModel(connection);
  const reports = reportModel(connection);
  const strip = (docs: (Ticket & { _id?: unknown })[]): Ticket[] => docs.map(({ _id, ...t }) => t);
  return {
    async ticketsCreated(from, to, agency, limit) {
      const query = tickets.find({ createdAt: { $gte: from, $lt: to }, ...(agency ? { agency } : {}) }).sort({ createdAt: 1 });
      return strip(await (limit === undefined ? query : query.limit(limit)).lean<Ticket[]>());
    },
    async finishedSince(before, since, agency, limit) {
      const query = { createdAt: { $gte: new Date(since.getTime() - 366 * 86_400_000), $lt: before }, status: { $nin: ['open', 'in_progress'] as Ticket['status'][] }, updatedAt: { $gte: since }, ...(agency ? { agency } : {}) };
      return strip(await tickets.find(query).sort({ createdAt: -1 }).limit(limit).lean<Ticket[]>());
    },
    async unfinished(agency) {
      return strip(await tickets.find({ status: { $in: ['open', 'in_progress'] }, ...(agency ? { agency } : {}) }).lean<Ticket[]>());
    },
    async rated(from, to, agency, limit) {
      const query = tickets.find({ 'satisfaction.at': { $gte: from, $lt: to }, ...(agency ? { agency } : {}) }, { number: 1, agency: 1, satisfaction: 1 }).sort({ 'satisfaction.at': 1 });
      return strip(await (limit === undefined ? query : query.limit(limit)).lean<Ticket[]>());
    },
    async save(report, csv, now) {
      const { id, ...data } = report;
      await reports.updateOne(
        { _id: id },
        { $set: { kind: report.kind, label: report.label, ...(report.agency ? { agency: report.agency } : {}), data, csv }, $setOnInsert: { createdAt: now } },
        { upsert: true },
      );
    },
    async markSent(id, at) {
      await reports.updateOne({ _id: id }, { $set: { sentAt: at } });
    },
    async get(id) {
      const doc = await reports.findById(id).lean();
      return doc ? { data: doc.data, csv: doc.csv, ...(doc.sentAt ? { sentAt: doc.sentAt } : {}) } : null;
    },
  };
}
