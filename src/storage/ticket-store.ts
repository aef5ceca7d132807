// The ticket service's TicketStore on MongoDB through mongoose.
import type { Connection } from 'mongoose';
import type { Reporter, Ticket } from '../tickets/model.js';
import type { TicketStore } from '../tickets/store.js';
import { counterModel, nextInSequence } from './models/counter.js';
import { ticketModel } from './models/ticket.js';
import { followerQueries } from './ticket-followers.js';

/** `nearbyRadiusMetres`: `duplicates.radius`, which decides where the embedded database lists a pin (geo-cells.ts). */
export function mongoTicketStore(connection: Connection, nearbyRadiusMetres?: number): TicketStore {
  const tickets = ticketModel(connection);
  const counters = counterModel(connection);
  const followers = followerQueries(tickets, connection, nearbyRadiusMetres);
  return {
    nextSequence: (period) => nextInSequence(counters, `ticket:${period}`),

    async insert(ticket) {
      const doc = await tickets.create({ ...ticket, _id: ticket.number });
      const stored = toTicket(doc.toObject());
      await followers.listPinned(stored);
      return stored;
    },

    async findByNumber(number) {
      const doc = await tickets.findById(number).lean<Ticket>();
      return doc ? toTicket(doc) : null;
    },

    async findByIntakeMessage(intakeMessageId) {
      const doc = await tickets.findOne({ 'intake.messageId': intakeMessageId }).lean<Ticket>();
      return doc ? toTicket(doc) : null;
    },

    async due(field, status, now, limit) {
      const docs = await tickets.find({ status, [`due.${field}`]: { $lte: now } }).sort({ [`due.${field}`]: 1 }).limit(limit).lean<Ticket[]>();
      return docs.map(toTicket);
    },

    async takeDue(number, field, status, now, leaseUntil) {
      const doc = await tickets
        .findOneAndUpdate({ _id: number, status, [`due.${field}`]: { $lte: now } }, { $set: { [`due.${field}`]: leaseUntil, updatedAt: now } }, { returnDocument: 'after' })
        .lean<Ticket>();
      if (!doc) return null;
      // Never act on a lease the database did not store (FerretDB can drop updates it takes for no-ops).
      if (doc.due[field]?.getTime() !== leaseUntil.getTime()) throw new Error(`ticket ${number}: the lease on due.${field} was not stored`);
      return toTicket(doc);
    },

    async clearDue(number, field, leaseUntil, now) {
      const result = await tickets.updateOne({ _id: number, [`due.${field}`]: leaseUntil }, { $unset: { [`due.${field}`]: 1 }, $set: { updatedAt: now } });
      return result.modifiedCount === 1;
    },

    async setDue(number, field, status, at, now) {
      const result = await tickets.updateOne({ _id: number, status }, { $set: { [`due.${field}`]: at, updatedAt: now } });
      return result.matchedCount === 1;
    },

    async setPublicToken(number, token) {
      // Only a ticket without a token takes one; whoever lost the race reads the winner's.
      await tickets.updateOne({ _id: number, publicToken: { $exists: false } }, { $set: { publicToken: token } });
      const doc = await tickets.findById(number, { publicToken: 1 }).lean<Pick<Ticket, 'publicToken'>>();
      return doc?.publicToken;
    },

    async rate(number, satisfaction) {
      // Keyed by `_id`; the other conditions make a second rating (a follower's, a redelivery) a no-op.
      const result = await tickets.updateOne({ _id: number, status: 'closed', closeReason: 'confirmed', satisfaction: { $exists: false } }, { $set: { satisfaction, updatedAt: satisfaction.at } });
      return result.modifiedCount === 1;
    },

    async recordBreach(number, breach) {
      const result = await tickets.updateOne({ _id: number, 'slaBreaches.key': { $ne: breach.key } }, { $push: { slaBreaches: breach } });
      return result.modifiedCount === 1;
    },

    nearby: followers.nearby,
    addFollower: followers.addFollower,

    async applyChange(number, expected, change, now) {
      const doc = await tickets
        .findOneAndUpdate(
          { _id: number, status: expected.status, version: expected.version },
          {
            $set: { ...change.set, status: change.status, updatedAt: now },
            $inc: { ...change.inc, version: 1 },
            $push: { history: change.history },
            ...(change.unset.length > 0 ? { $unset: Object.fromEntries(change.unset.map((path) => [path, 1])) } : {}),
          },
          { returnDocument: 'after' },
        )
        .lean<Ticket>();
      return doc ? toTicket(doc) : null;
    },
  };
}

function toTicket(doc: Ticket & { _id?: unknown }): Ticket {
  const { _id, ...ticket } = doc;
  return { ...ticket, reporter: storedReporter(ticket.reporter) };
}

/**
 * An anonymous report (Open311 allows one) has an empty reporter, which the database does not keep (`minimize`):
 * a document read back may lack the field its type promises.
 */
export function storedReporter(reporter: Reporter | undefined): Reporter {
  return reporter ?? {};
}
