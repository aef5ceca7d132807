// The ticket service's TicketStore on MongoDB through mongoose.
import type { Connection } from 'mongoose';
import type { Ticket } from '../tickets/model.js';
import type { TicketStore } from '../tickets/store.js';
import { counterModel, nextInSequence } from './models/counter.js';
import { ticketModel } from './models/ticket.js';

export function mongoTicketStore(connection: Connection): TicketStore {
  const tickets = ticketModel(connection);
  const counters = counterModel(connection);
  return {
    nextSequence: (period) => nextInSequence(counters, `ticket:${period}`),

    async insert(ticket) {
      const doc = await tickets.create({ ...ticket, _id: ticket.number });
      return toTicket(doc.toObject());
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

    async takeDue(number, field, status, now) {
      const doc = await tickets
        .findOneAndUpdate({ _id: number, status, [`due.${field}`]: { $lte: now } }, { $unset: { [`due.${field}`]: 1 }, $set: { updatedAt: now } }, { returnDocument: 'before' })
        .lean<Ticket>();
      return doc ? toTicket(doc) : null;
    },

    async setDue(number, field, at) {
      await tickets.updateOne({ _id: number }, { $set: { [`due.${field}`]: at } });
    },

    async recordBreach(number, breach) {
      await tickets.updateOne({ _id: number }, { $push: { slaBreaches: breach } });
    },

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
  return ticket;
}
