// Nearby tickets on the embedded database without scanning it. FerretDB has
// no geo index and pushes down nothing but `_id` look-ups, so a filter on
// coordinates reads every ticket (measured: about 1 s among 5,000 tickets on
// a loaded 2-core machine). Instead, a ticket with a pin is listed at its
// creation in a grid cell per month, of the size (about 111 m, 1.1 km or
// 11 km tall) that holds the search radius's box in a few cells; a search
// reads those cells of the months since the cut-off by key, measures their
// entries and reads only the tickets within the radius, by key. The ticket
// itself still decides (its status, category and date now). MongoDB uses its
// 2dsphere index instead (ticket-followers.ts).
//
// One size, not all three: a cell is one document that every ticket pinned in
// it rewrites, and an 11 km cell holds a whole district's month (in `npm run
// bench` with 2,000 reporters, those rewrites were about half of the
// database's CPU). When the radius, and so the size, changes, `relistNearby`
// (ticket-followers.ts) lists the recent tickets in the new size's cells at
// start.
import type { Connection } from 'mongoose';
import { isDuplicateKeyError } from './errors.js';
import { type GeoCellEntry, geoCellModel } from './models/geo-cell.js';
import { boundingBox, distanceMetres, type GeoPoint } from '../tickets/nearby.js';

/** Cell sizes in thousandths of a degree: 0.001°, 0.01°, 0.1° (about 111 m, 1.1 km and 11 km of latitude). */
const SIZES = [1, 10, 100] as const;
/** More cells than this (a radius of kilometres over a year) and the search scans instead. */
const MAX_CELLS = 64;

const cellId = (size: number, point: GeoPoint, at: Date) =>
  `${String(size)}:${String(Math.floor((point.latitude * 1000) / size))}:${String(Math.floor((point.longitude * 1000) / size))}:${at.toISOString().slice(0, 7)}`;

/** The cells a ticket pinned at `point` and created `at` may be listed in: one of each size (`sizes`: of those only). */
export function cellsOf(point: GeoPoint, at: Date, sizes: readonly number[] = SIZES): string[] {
  return sizes.map((size) => cellId(size, point, at));
}

/** The cell size a search within `metres` reads (cellsAround): the smallest whose cells hold the radius's box in two rows. */
export function cellSizeFor(metres: number): number | undefined {
  const box = boundingBox({ latitude: 0, longitude: 0 }, metres);
  return SIZES.find((s) => (box.north - box.south) * 1000 <= s);
}

/** The months (UTC, `YYYY-MM`) from `since` to `until`. */
function months(since: Date, until: Date): string[] {
  const out: string[] = [];
  const cursor = new Date(Date.UTC(since.getUTCFullYear(), since.getUTCMonth(), 1));
  while (cursor <= until && out.length <= MAX_CELLS) {
    out.push(cursor.toISOString().slice(0, 7));
    cursor.setUTCMonth(cursor.getUTCMonth() + 1);
  }
  return out;
}

/**
 * The cells holding every ticket within `metres` of `center` created between `since` and `until`: of the smallest
 * size whose cells hold the radius's box in two rows. Undefined when that takes more than MAX_CELLS look-ups (or the
 * box wraps around the antimeridian or a pole): then a scan is cheaper.
 */
export function cellsAround(center: GeoPoint, metres: number, since: Date, until: Date): string[] | undefined {
  const box = boundingBox(center, metres);
  if (box.west === undefined || box.east === undefined) return undefined;
  const size = cellSizeFor(metres);
  if (size === undefined) return undefined;
  const span = (from: number, to: number) => {
    const first = Math.floor((from * 1000) / size);
    return Array.from({ length: Math.floor((to * 1000) / size) - first + 1 }, (_, i) => first + i);
  };
  const rows = span(box.south, box.north);
  const columns = span(box.west, box.east);
  const periods = months(since, until);
  if (rows.length * columns.length * periods.length > MAX_CELLS) return undefined;
  return rows.flatMap((row) => columns.flatMap((column) => periods.map((month) => `${String(size)}:${String(row)}:${String(column)}:${month}`)));
}

/** The sizes a new pinned ticket is listed in: the one a search within `radiusMetres` reads (none: it scans); all when not told. */
export function listedSizes(radiusMetres: number | undefined): number[] {
  if (radiusMetres === undefined) return [...SIZES];
  const size = cellSizeFor(radiusMetres);
  return size === undefined ? [] : [size];
}

export interface GeoCells {
  /** Lists a pinned ticket in its cells of `sizes` (a repeat changes nothing). */
  add(entry: GeoCellEntry, sizes: readonly number[]): Promise<void>;
  /** The numbers of the tickets listed in `cells` within `metres` of `center`, created since `since`, nearest first. */
  within(cells: readonly string[], center: GeoPoint, metres: number, since: Date): Promise<string[]>;
}

export function mongoGeoCells(connection: Connection): GeoCells {
  const model = geoCellModel(connection);
  return {
    async add(entry, sizes) {
      for (const id of cellsOf(entry, entry.at, sizes)) {
        for (let attempt = 0; ; attempt++) {
          try {
            await model.updateOne({ _id: id }, { $addToSet: { tickets: entry } }, { upsert: true });
            break;
          } catch (error) {
            // Two first tickets of a cell race on the upsert: the loser adds to the cell the winner created.
            if (!isDuplicateKeyError(error) || attempt >= 3) throw error;
          }
        }
      }
    },
    async within(cells, center, metres, since) {
      const found = await Promise.all(cells.map((id) => model.findById(id).lean()));
      const near = new Map<string, number>();
      for (const entry of found.flatMap((cell) => cell?.tickets ?? [])) {
        const distance = distanceMetres(center, entry);
        if (entry.at >= since && distance <= metres * 1.001) near.set(entry.number, distance);
      }
      return [...near].sort((a, b) => a[1] - b[1]).map(([number]) => number);
    },
  };
}
