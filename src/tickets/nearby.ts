// Nearby duplicates (issue #16): is a citizen's report the same problem as an
// open ticket a few metres away? The store narrows the tickets down (a 2dsphere
// query on MongoDB, a latitude/longitude box on the embedded database); the
// exact distance and the choice of the nearest are made here, the same on both.
import type { Location, Ticket, TicketStatus } from './model.js';

/**
 * The statuses a citizen would call "still open": the agency has yet to act or is acting. Not `resolved` (the
 * result is waiting for its reporter's confirmation: a newcomer joining then would be asked to confirm a repair
 * they never saw reported), nor `closed`/`rejected` (over: the problem is back, so it is a new ticket), nor
 * `forwarded` (handled outside the city: following it here would tell nothing).
 */
export const STILL_OPEN: readonly TicketStatus[] = ['open', 'in_progress'];

/** The mean Earth radius (IUGG), in metres: haversine distances and the angles of the store's queries use the same. */
export const EARTH_RADIUS_M = 6_371_008.8;

export interface GeoPoint {
  readonly latitude: number;
  readonly longitude: number;
}

/** A stored ticket as the search returns it: enough to measure it and show it to the citizen. */
export type NearbyCandidate = Pick<Ticket, 'number' | 'status' | 'category' | 'description' | 'location' | 'createdAt'> & Partial<Pick<Ticket, 'channel' | 'reporter'>>;

export interface NearbyQuery {
  readonly category: string;
  readonly center: GeoPoint;
  readonly radiusMetres: number;
  /** Created at or after this moment (and by `now`). */
  readonly since: Date;
  readonly now: Date;
  readonly statuses: readonly TicketStatus[];
  readonly limit: number;
}

export interface NearbyMatch<T extends NearbyCandidate = NearbyCandidate> {
  readonly ticket: T;
  /** Metres, rounded to whole metres. */
  readonly distance: number;
}

const rad = (degrees: number) => (degrees * Math.PI) / 180;
const deg = (radians: number) => (radians * 180) / Math.PI;

/** Great-circle distance in metres (haversine). */
export function distanceMetres(a: GeoPoint, b: GeoPoint): number {
  const dLat = rad(b.latitude - a.latitude);
  const dLng = rad(b.longitude - a.longitude);
  const h = Math.sin(dLat / 2) ** 2 + Math.cos(rad(a.latitude)) * Math.cos(rad(b.latitude)) * Math.sin(dLng / 2) ** 2;
  return 2 * EARTH_RADIUS_M * Math.asin(Math.min(1, Math.sqrt(h)));
}

/** The radius as an angle (radians), for `$centerSphere`. */
export const radiusAngle = (metres: number): number => metres / EARTH_RADIUS_M;

export interface Box {
  readonly south: number;
  readonly north: number;
  /** Absent when the box would wrap around the antimeridian or cover a pole: every longitude then. */
  readonly west?: number;
  readonly east?: number;
}

/**
 * A latitude/longitude box holding every point within `metres` of `center` (a little larger, never smaller): the
 * cheap prefilter where no geo index exists. Near a pole or across the antimeridian it gives up on longitude.
 */
export function boundingBox(center: GeoPoint, metres: number): Box {
  const dLat = deg(radiusAngle(metres)) * 1.001;
  const south = Math.max(-90, center.latitude - dLat);
  const north = Math.min(90, center.latitude + dLat);
  const widest = Math.max(Math.abs(south), Math.abs(north));
  if (widest >= 89.9) return { south, north };
  const dLng = dLat / Math.cos(rad(widest));
  const west = center.longitude - dLng;
  const east = center.longitude + dLng;
  if (west < -180 || east > 180) return { south, north };
  return { south, north, west, east };
}

const pointOf = (location: Location | undefined): GeoPoint | undefined =>
  location?.latitude === undefined || location.longitude === undefined ? undefined : { latitude: location.latitude, longitude: location.longitude };

/**
 * The nearest candidate within `metres` of `center` (ties: the older ticket, which has the longer thread and the
 * earlier deadline), or undefined. Candidates without coordinates are never near anything.
 */
export function nearest<T extends NearbyCandidate>(center: GeoPoint, candidates: readonly T[], metres: number): NearbyMatch<T> | undefined {
  let best: { ticket: T; exact: number } | undefined;
  for (const ticket of candidates) {
    const point = pointOf(ticket.location);
    if (!point) continue;
    const exact = distanceMetres(center, point);
    if (exact > metres) continue;
    if (!best || exact < best.exact || (exact === best.exact && ticket.createdAt < best.ticket.createdAt)) best = { ticket, exact };
  }
  return best && { ticket: best.ticket, distance: Math.round(best.exact) };
}

/** The GeoJSON point stored with a ticket (`[longitude, latitude]`), when its location has coordinates. */
export function geoOf(location: Location | undefined): Ticket['geo'] {
  const point = pointOf(location);
  return point && { type: 'Point', coordinates: [point.longitude, point.latitude] };
}
