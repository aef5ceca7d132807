// The ticket store's part for nearby duplicates (issue #16): the open tickets
// of a category near a point, and a citizen joining one as a follower.
import type { Connection } from 'mongoose';
import type { Follower, Ticket, TicketStatus } from '../tickets/model.js';
import { boundingBox, geoOf, type NearbyCandidate, type NearbyQuery, radiusAngle } from '../tickets/nearby.js';
import type { TicketStore } from '../tickets/store.js';
import { databaseEngine } from './engine.js';
import { cellsAround, listedSizes, mongoGeoCells } from './geo-cells.js';
import { type TicketModel, ticketModel } from './models/ticket.js';

/** The 2dsphere index of the nearby search: MongoDB only (FerretDB cannot build one; see engine.ts). */
export const GEO_INDEX = { category: 1, geo: '2dsphere', createdAt: -1 } as const;

const CANDIDATE_FIELDS = { number: 1, status: 1, category: 1, description: 1, location: 1, createdAt: 1, channel: 1, 'reporter.channelUserId': 1 } as const;

/** The filter of a nearby search: the same conditions on both engines, the place by geo index or by box. */
export function nearbyFilter(query: NearbyQuery, engine: 'mongodb' | 'ferretdb'): Record<string, unknown> {
  const common = { category: query.category, status: { $in: [...query.statuses] }, createdAt: { $gte: query.since } };
  const { latitude, longitude } = query.center;
  if (engine === 'mongodb') {
    // A hair wider than the radius: the exact distance is measured afterwards (nearby.ts), on the same sphere.
    return { ...common, geo: { $geoWithin: { $centerSphere: [[longitude, latitude], radiusAngle(query.radiusMetres) * 1.001] } } };
  }
  // FerretDB without its cells (a radius of kilometres over many months, geo-cells.ts): it scans (it pushes down only
  // `_id`), and the box keeps what leaves the database small.
  const box = boundingBox(query.center, query.radiusMetres);
  return {
    ...common,
    geo: { $exists: true },
    'location.latitude': { $gte: box.south, $lte: box.north },
    ...(box.west === undefined ? {} : { 'location.longitude': { $gte: box.west, $lte: box.east } }),
  };
}

type CandidateDoc = NearbyCandidate & { _id?: string };
const strip = ({ _id, ...candidate }: CandidateDoc): NearbyCandidate => candidate;

/** `radiusMetres`: the nearby search's radius (`duplicates.radius`), which decides the cells a new pin is listed in (geo-cells.ts). */
export function followerQueries(tickets: TicketModel, connection: Connection, radiusMetres?: number): Pick<TicketStore, 'nearby' | 'addFollower'> & { listPinned(ticket: Ticket): Promise<void> } {
  const cells = mongoGeoCells(connection);
  const sizes = listedSizes(radiusMetres);
  return {
    async nearby(query) {
      const engine = await databaseEngine(connection);
      const around = engine === 'ferretdb' ? cellsAround(query.center, query.radiusMetres, query.since, query.now) : undefined;
      if (around) {
        // By key only (geo-cells.ts): the cells around the pin, then each ticket within the radius, its conditions checked by the database.
        const numbers = (await cells.within(around, query.center, query.radiusMetres, query.since)).slice(0, query.limit);
        const { geo: _place, ...conditions } = nearbyFilter(query, 'mongodb');
        const docs = await Promise.all(numbers.map((number) => tickets.findOne({ _id: number, ...conditions }, CANDIDATE_FIELDS).lean<CandidateDoc>()));
        return docs.filter((doc): doc is CandidateDoc => doc !== null).map(strip);
      }
      const docs = await tickets.find(nearbyFilter(query, engine), CANDIDATE_FIELDS).sort({ createdAt: -1 }).limit(query.limit).lean<CandidateDoc[]>();
      return docs.map(strip);
    },

    /** A new ticket with a pin, listed in the embedded database's cells (MongoDB's 2dsphere index needs nothing). */
    async listPinned(ticket) {
      const latitude = ticket.location?.latitude;
      const longitude = ticket.location?.longitude;
      if (latitude === undefined || longitude === undefined || (await databaseEngine(connection)) !== 'ferretdb') return;
      // A ticket left out of its cells (a failure here) is only never offered as a nearby duplicate: its creation stands.
      await cells.add({ number: ticket.number, latitude, longitude, at: ticket.createdAt }, sizes).catch(() => undefined);
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

/**
 * Pinned tickets created since `since` that have no `geo` yet (from before nearby duplicates): given it, and listed in
 * the embedded database's cells, so a citizen can be offered them. Run at start, once per database (a `migrations` entry remembers it); a second run does nothing.
 * Returns how many it placed.
 */
export async function backfillNearby(connection: Connection, since: Date, radiusMetres?: number): Promise<number> {
  // Once per database: every ticket created since this version has its `geo`, and the scan below reads every
  // ticket on the embedded database (no index there), which a large city should not pay at every start.
  const migrations = connection.collection<{ _id: string; at: Date }>('migrations');
  if (await migrations.findOne({ _id: BACKFILL })) return 0;
  const tickets = ticketModel(connection);
  const cells = mongoGeoCells(connection);
  const embedded = (await databaseEngine(connection)) === 'ferretdb';
  const docs = await tickets.find({ createdAt: { $gte: since }, geo: { $exists: false }, 'location.latitude': { $exists: true } }, { location: 1, createdAt: 1 }).lean<(Pick<Ticket, 'location' | 'createdAt'> & { _id: string })[]>();
  let placed = 0;
  for (const doc of docs) {
    const geo = geoOf(doc.location);
    if (!geo) continue;
    const [longitude, latitude] = geo.coordinates;
    // Only a ticket still without one: an instance starting beside this one does the same work, not twice.
    const result = await tickets.updateOne({ _id: doc._id, geo: { $exists: false } }, { $set: { geo } });
    if (result.modifiedCount !== 1) continue;
    if (embedded) await cells.add({ number: doc._id, latitude, longitude, at: doc.createdAt }, listedSizes(radiusMetres));
    placed++;
  }
  await migrations.updateOne({ _id: BACKFILL }, { $setOnInsert: { at: new Date() } }, { upsert: true });
  return placed;
}

/** The `migrations` entry that says the backfill has run. */
const BACKFILL = 'nearby-geo-backfill';

/**
 * The embedded database lists a new pin in the cells of one size, the one the search radius reads (geo-cells.ts). When
 * the radius changes to one that reads another size, the pinned tickets created since `since` are listed in that
 * size's cells, once: a `migrations` entry remembers the size they are listed in. Run at start. Returns how many it listed.
 */
export async function relistNearby(connection: Connection, since: Date, radiusMetres: number): Promise<number> {
  if ((await databaseEngine(connection)) !== 'ferretdb') return 0;
  const sizes = listedSizes(radiusMetres);
  const migrations = connection.collection<{ _id: string; sizes: number[]; at: Date }>('migrations');
  const listed = await migrations.findOne({ _id: CELL_SIZES });
  // A database from before one size (every pin in all three sizes) reads as listed in all of them.
  const before = listed?.sizes ?? listedSizes(undefined);
  const missing = sizes.filter((size) => !before.includes(size));
  let placed = 0;
  if (missing.length > 0) {
    const cells = mongoGeoCells(connection);
    // A scan of every ticket on the embedded database: only when the radius has moved to another size.
    const docs = await ticketModel(connection).find({ createdAt: { $gte: since }, 'location.latitude': { $exists: true } }, { location: 1, createdAt: 1 }).lean<(Pick<Ticket, 'location' | 'createdAt'> & { _id: string })[]>();
    for (const doc of docs) {
      const { latitude, longitude } = doc.location ?? {};
      if (latitude === undefined || longitude === undefined) continue;
      await cells.add({ number: doc._id, latitude, longitude, at: doc.createdAt }, missing);
      placed++;
    }
  }
  // Recorded after the listing: a start that died half way lists again (a repeat changes nothing).
  if (missing.length > 0 || listed?.sizes.join() !== sizes.join()) {
    await migrations.updateOne({ _id: CELL_SIZES }, { $set: { sizes, at: new Date() } }, { upsert: true });
  }
  return placed;
}

/** The `migrations` entry naming the cell sizes pins are listed in. */
const CELL_SIZES = 'nearby-cell-sizes';
