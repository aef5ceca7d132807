// Nearby tickets on the embedded database without scanning it. FerretDB has
// no geo index and pushes down nothing but `_id` look-ups, so a filter on
// coordinates reads every ticket (measured: about 1 s among 5,000 tickets on
// a loaded 2-core machine). Instead, a ticket with a pin is listed at its
// creation in one grid cell of each of three sizes (about 111 m, 1.1 km and
// 11 km tall) per month; a search picks the size that holds the radius's box
// in a few cells, reads those cells of the months since the cut-off by key,
// measures their entries and reads only the tickets within the radius, by
// key. The ticket itself still decides (its status, category and date now).
// MongoDB uses its 2dsphere index instead (ticket-followers.ts).
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

/** The cells a ticket pinned at `point` and created `at` is listed in: one of each size. */
export function cellsOf(point: GeoPoint, at: Date): string[] {
  return SIZES.map((size) => cellId(size, point, at));
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
  const size = SIZES.find((s) => (box.north - box.south) * 1000 <= s);
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

export interface GeoCells {
  /** Lists a pinned ticket in its cells (a repeat changes nothing). */
  add(entry: GeoCellEntry): Promise<void>;
  /** The numbers of the tickets listed in `cells` within `metres` of `center`, created since `since`, nearest first. */
  within(cells: readonly string[], center: GeoPoint, metres: number, since: Date): Promise<string[]>;
}

export function mongoGeoCells(connection: Connection): GeoCells {
  const model = geoCellModel(connection);
  return {
    async add(entry) {
      for (const id of cellsOf(entry, entry.at)) {
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
