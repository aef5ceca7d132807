// Labels on a ticket: one atomic update keyed by `_id`. Not a life-cycle step:
// `version` stays, so a label never makes another operator's transition fail.
import type { Connection } from 'mongoose';
import { ticketModel } from './models/ticket.js';

export interface LabelStore {
  /** The ticket's labels after the change, or null when there is no such ticket. */
  add(number: string, labels: readonly string[], now: Date): Promise<string[] | null>;
  remove(number: string, label: string, now: Date): Promise<string[] | null>;
}

export function mongoLabelStore(connection: Connection): LabelStore {
  const tickets = ticketModel(connection);
  const after = async (number: string, update: Record<string, unknown>) => {
    const doc = await tickets.findOneAndUpdate({ _id: number }, update, { returnDocument: 'after' }).lean<{ labels?: string[] }>();
    return doc ? (doc.labels ?? []) : null;
  };
  return {
    add: (number, labels, now) => after(number, { $addToSet: { labels: { $each: [...labels] } }, $set: { updatedAt: now } }),
    remove: (number, label, now) => after(number, { $pull: { labels: label }, $set: { updatedAt: now } }),
  };
}
