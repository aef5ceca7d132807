// The followers of a ticket on MongoDB: each change one conditional update on
// the ticket's `_id`, leaving its `version` alone (see tickets/followers.ts).
import type { Connection } from 'mongoose';
import { followerMatches, type FollowerStore, type MergeCandidate } from '../tickets/followers.js';
import type { Ticket } from '../tickets/model.js';
import { databaseEngine } from './engine.js';
import { nearbyFilter } from './ticket-followers.js';
import { ticketModel } from './models/ticket.js';

export function mongoFollowerStore(connection: Connection): FollowerStore {
  const tickets = ticketModel(connection);
  return {
    async addMerged(number, from, followers, entry, now) {
      const result = await tickets.updateOne(
        { _id: number, 'followers.fromTicket': { $ne: from } },
        { $push: { followers: { $each: [...followers] }, history: entry }, $inc: { followerCount: followers.length }, $set: { updatedAt: now } },
      );
      return result.modifiedCount === 1;
    },

    async remove(number, match, entry, now) {
      // FerretDB takes no conditions in $pull: the list is read, filtered here, and written back only if its count is
      // still the one read. A few tries, as a follower joining meanwhile is rare.
      for (let attempt = 0; attempt < 5; attempt++) {
        const doc = await tickets.findById(number, { followers: 1, followerCount: 1 }).lean<Pick<Ticket, 'followers' | 'followerCount'>>();
        const followers = doc?.followers ?? [];
        const kept = followers.filter((f) => !followerMatches(f, match));
        if (kept.length === followers.length) return false;
        const result = await tickets.updateOne(
          { _id: number, followerCount: doc?.followerCount ?? { $exists: false } },
          { $set: { followers: kept, followerCount: kept.length, updatedAt: now }, $push: { history: entry } },
        );
        if (result.modifiedCount === 1) return true;
      }
      throw new Error(`ticket ${number}: its followers kept changing while one was split out`);
    },

    async clearMerged(number, into, now) {
      const result = await tickets.updateOne({ _id: number, status: 'closed', mergedInto: into, followers: { $exists: true } }, { $unset: { followers: 1, followerCount: 1 }, $set: { updatedAt: now } });
      return result.modifiedCount === 1;
    },

    async nearby(query) {
      const fields = { number: 1, status: 1, category: 1, description: 1, location: 1, createdAt: 1, agency: 1, followerCount: 1 };
      const docs = await tickets.find(nearbyFilter(query, await databaseEngine(connection)), fields).sort({ createdAt: -1 }).limit(query.limit).lean<(MergeCandidate & { _id?: string })[]>();
      return docs.map(({ _id, ...candidate }) => candidate);
    },

    async addHistoryOnce(number, entry, now) {
      const result = await tickets.updateOne({ _id: number, 'history.action': { $ne: entry.action } }, { $push: { history: entry }, $set: { updatedAt: now } });
      return result.modifiedCount === 1;
    },
  };
}
