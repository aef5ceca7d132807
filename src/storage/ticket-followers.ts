// The ticket store's part for nearby duplicates (issue #16): the open tickets
// of a category near a point, and a citizen joining one as a follower.
import type { Connection } from 'mongoose';
import type { Follower, TicketStatus } from '../tickets/model.js';
import { boundingBox, type NearbyCandidate, type NearbyQuery, radiusAngle } from '../tickets/nearby.js';
import type { TicketStore } from '../tickets/store.js';
import { databaseEngine } from './engine.js';
import type { TicketModel } from './models/ticket.js';

/** The 2dsphere index of the nearby search: MongoDB only (FerretDB cannot build one; see engine.ts). */
export const GEO_INDEX = { category: 1, geo: '2dsphere', createdAt: -1 } as const;

const CANDIDATE_FIELDS = { number: 1, status: 1, category: 1, description: 1, location: 1, createdAt: 1 } as const;

/** The filter of a nearby search: the same conditions on both engines, the place by geo index or by box. */
export function nearbyFilter(query: NearbyQuery, engine: 'mongodb' | 'ferretdb'): Record<string, unknown> {
  const common = { category: query.category, status: { $in: [...query.statuses] }, createdAt: { $gte: query.since } };
  const { latitude, longitude } = query.center;
  if (engine === 'mongodb') {
    // A hair wider than the radius: the exact distance is measured afterwards (nearby.ts), on the same sphere.
    return { ...common, geo: { $geoWithin: { $centerSphere: [[longitude, latitude], radiusAngle(query.radiusMetres) * 1.001] } } };
  }
  // FerretDB scans (it pushes down only `_id`): the box keeps what leaves the database small.
  const box = boundingBox(query.center, query.radiusMetres);
  return {
    ...common,
    geo: { $exists: true },
    'location.latitude': { $gte: box.south, $lte: box.north },
    ...(box.west === undefined ? {} : { 'location.longitude': { $gte: box.west, $lte: box.east } }),
  };
}

export function followerQueries(tickets: TicketModel, connection: Connection): Pick<TicketStore, 'nearby' | 'addFollower'> {
  return {
    async nearby(query) {
      const filter = nearbyFilter(query, await databaseEngine(connection));
      const docs = await tickets.find(filter, CANDIDATE_FIELDS).sort({ createdAt: -1 }).limit(query.limit).lean<(NearbyCandidate & { _id?: string })[]>();
      return docs.map(({ _id, ...candidate }) => candidate);
    },

    async addFollower(number: string, follower: Follower, statuses: readonly TicketStatus[], now: Date) {
      const messageId = follower.intake?.messageId;
      // One update: only a ticket still in `statuses`, and only once per intake message (a retried message adds nobody twice).
      const result = await tickets.updateOne(
        { _id: number, status: { $in: [...statuses] }, ...(messageId ? { 'followers.intake.messageId': { $ne: messageId } } : {}) },
        { $push: { followers: follower }, $inc: { followerCount: 1 }, $set: { updatedAt: now } },
      );
      if (result.modifiedCount === 1) return 'added';
      if (messageId && (await tickets.exists({ _id: number, 'followers.intake.messageId': messageId }))) return 'already';
      return 'gone';
    },
  };
}
