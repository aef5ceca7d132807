// The tickets an Open311 client may read, queried without the fields that
// carry personal data (reporter, description, followers, notes, photos, the
// agency's result): what is not read cannot leak into a public answer.
import type { Connection } from 'mongoose';
import type { Ticket, TicketStatus } from '../tickets/model.js';
import { ticketModel } from './models/ticket.js';

/** What a public request view is made from. */
export type PublicTicket = Pick<Ticket, 'number' | 'status' | 'category' | 'agency' | 'forwardedTo' | 'closeReason' | 'mergedInto' | 'deadline' | 'location' | 'history' | 'createdAt' | 'updatedAt'>;

export interface PublicTicketQuery {
  /** Ticket numbers: when given, the other filters are not applied (the spec's `service_request_id`). */
  readonly numbers?: readonly string[];
  readonly categories?: readonly string[];
  readonly statuses?: readonly TicketStatus[];
  readonly from: Date;
  readonly to: Date;
  readonly limit: number;
}

export interface PublicTicketStore {
  get(number: string): Promise<PublicTicket | null>;
  /** Newest first. */
  find(query: PublicTicketQuery): Promise<PublicTicket[]>;
}

const PUBLIC_FIELDS = { number: 1, status: 1, category: 1, agency: 1, forwardedTo: 1, closeReason: 1, mergedInto: 1, deadline: 1, 'location.latitude': 1, 'location.longitude': 1, 'history.at': 1, 'history.action': 1, createdAt: 1, updatedAt: 1 } as const;

export function mongoPublicTicketStore(connection: Connection): PublicTicketStore {
  const tickets = ticketModel(connection);
  const strip = ({ _id, ...ticket }: PublicTicket & { _id?: unknown }): PublicTicket => ticket;
  return {
    async get(number) {
      const doc = await tickets.findById(number, PUBLIC_FIELDS).lean<PublicTicket>();
      return doc ? strip(doc) : null;
    },
    async find(query) {
      if (query.numbers) {
        // Each by `_id` (the embedded database pushes only those down), at most `limit` of them.
        const found = await Promise.all(query.numbers.slice(0, query.limit).map((n) => tickets.findById(n, PUBLIC_FIELDS).lean<PublicTicket>()));
        return found.filter((t): t is PublicTicket => t !== null).map(strip).sort((a, b) => b.createdAt.getTime() - a.createdAt.getTime());
      }
      const filter: Record<string, unknown> = { createdAt: { $gte: query.from, $lte: query.to } };
      if (query.statuses) filter.status = { $in: query.statuses };
      if (query.categories) filter.category = { $in: query.categories };
      // The `{status, createdAt}` and `{createdAt}` indexes serve this on MongoDB.
      const docs = await tickets.find(filter, PUBLIC_FIELDS).sort({ createdAt: -1 }).limit(query.limit).lean<PublicTicket[]>();
      return docs.map(strip);
    },
  };
}
