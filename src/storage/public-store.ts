// What the public pages read from the tickets collection, and the marking of a
// photo as public. The map's query projects only the fields the map shows, so
// personal data never even leaves the database for it.
import type { Connection } from 'mongoose';
import type { AttachmentRef, Ticket, TicketStatus } from '../tickets/model.js';
import { ticketModel } from './models/ticket.js';

export interface MapQuery {
  /** Resolved or closed tickets count only when they were resolved or closed since then. */
  readonly since: Date;
  readonly statuses: readonly TicketStatus[];
  readonly category?: string;
  readonly limit: number;
}

export type MapTicket = Pick<Ticket, 'number' | 'category' | 'status' | 'createdAt'> & { latitude: number; longitude: number };

/** Where a photo of a ticket is: the report's attachments or the agency's result. */
export type PhotoPlace = 'attachments' | 'result.attachments';

export interface PublicStore {
  /** Tickets with coordinates for the map, newest first. */
  mapTickets(query: MapQuery): Promise<MapTicket[]>;
  /**
   * Sets (or with undefined removes) the public copy of one photo, in one update conditional on the photo
   * still being at that place in the ticket; false when it is not (the ticket changed meanwhile).
   */
  setPhotoPublic(number: string, place: PhotoPlace, index: number, fileId: string, published: AttachmentRef['public'] | undefined): Promise<boolean>;
}

const ACTIVE: readonly TicketStatus[] = ['open', 'in_progress'];

export function mongoPublicStore(connection: Connection): PublicStore {
  const tickets = ticketModel(connection);
  return {
    async mapTickets({ since, statuses, category, limit }) {
      const active = statuses.filter((s) => ACTIVE.includes(s));
      const branches: Record<string, unknown>[] = [];
      if (active.length > 0) branches.push({ status: { $in: active } });
      if (statuses.includes('resolved')) branches.push({ status: 'resolved', resolvedAt: { $gte: since } });
      // A ticket merged into another is the same problem on the same spot: the one it joined is on the map.
      if (statuses.includes('closed')) branches.push({ status: 'closed', closedAt: { $gte: since }, closeReason: { $ne: 'merged' } });
      if (branches.length === 0) return [];
      const filter = { $or: branches, 'location.latitude': { $exists: true }, 'location.longitude': { $exists: true }, ...(category ? { category } : {}) };
      const docs = await tickets
        .find(filter, { _id: 0, number: 1, category: 1, status: 1, createdAt: 1, 'location.latitude': 1, 'location.longitude': 1 })
        .sort({ createdAt: -1 })
        .limit(limit)
        .lean<(Pick<Ticket, 'number' | 'category' | 'status' | 'createdAt'> & { location: { latitude: number; longitude: number } })[]>();
      return docs.map((d) => ({ number: d.number, category: d.category, status: d.status, createdAt: d.createdAt, latitude: d.location.latitude, longitude: d.location.longitude }));
    },

    async setPhotoPublic(number, place, index, fileId, published) {
      const path = `${place}.${String(index)}`;
      const update = published ? { $set: { [`${path}.public`]: published } } : { $unset: { [`${path}.public`]: 1 } };
      // Keyed by _id, conditional on the photo at that index: a ticket changed meanwhile is not written.
      const result = await tickets.updateOne({ _id: number, [`${path}.fileId`]: fileId }, update);
      return result.matchedCount === 1;
    },
  };
}
