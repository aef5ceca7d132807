// What the report jobs read and write.
import type { Connection } from 'mongoose';
import type { Report } from '../reports/report.js';
import type { Ticket } from '../tickets/model.js';
import { reportModel } from './models/report.js';
import { ticketModel } from './models/ticket.js';

export interface ReportStore {
  ticketsCreated(from: Date, to: Date, agency?: string): Promise<Ticket[]>;
  /** Tickets still waiting on an agency (open or in progress). */
  unfinished(agency?: string): Promise<Ticket[]>;
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
    async ticketsCreated(from, to, agency) {
      return strip(await tickets.find({ createdAt: { $gte: from, $lt: to }, ...(agency ? { agency } : {}) }).sort({ createdAt: 1 }).lean<Ticket[]>());
    },
    async unfinished(agency) {
      return strip(await tickets.find({ status: { $in: ['open', 'in_progress'] }, ...(agency ? { agency } : {}) }).lean<Ticket[]>());
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
