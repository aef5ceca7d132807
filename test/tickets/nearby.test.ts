// The pure part of nearby duplicates: distances, the prefilter box, the choice
// of the nearest, the store's filter per engine, and the short description.
import { describe, expect, it } from 'vitest';
import { shorten } from '../../src/conversation/duplicates.js';
import { cellSizeFor, cellsAround, cellsOf, listedSizes } from '../../src/storage/geo-cells.js';
import { nearbyFilter } from '../../src/storage/ticket-followers.js';
import { boundingBox, distanceMetres, EARTH_RADIUS_M, geoOf, nearest, type NearbyCandidate, radiusAngle, STILL_OPEN } from '../../src/tickets/nearby.js';

const MONAS = { latitude: -6.175_392, longitude: 106.827_153 };
const DEGREE_M = (2 * Math.PI * EARTH_RADIUS_M) / 360; // ≈ 111 195 m

const candidate = (number: string, latitude: number | undefined, longitude: number | undefined, createdAt = new Date('2026-11-20T00:00:00Z')): NearbyCandidate => ({
  number,
  status: 'open',
  category: 'jalan_rusak',
  description: 'Jalan berlubang',
  createdAt,
  ...(latitude === undefined || longitude === undefined ? { location: { address: 'Jl. Anggrek' } } : { location: { latitude, longitude } }),
});

describe('distanceMetres', () => {
  it('a degree of latitude anywhere, a degree of longitude shrinking with the cosine of the latitude', () => {
    expect(distanceMetres({ latitude: 0, longitude: 0 }, { latitude: 1, longitude: 0 })).toBeCloseTo(DEGREE_M, 3);
    expect(distanceMetres({ latitude: -6, longitude: 106 }, { latitude: -7, longitude: 106 })).toBeCloseTo(DEGREE_M, 3);
    expect(distanceMetres({ latitude: 60, longitude: 10 }, { latitude: 60, longitude: 10.001 })).toBeCloseTo(DEGREE_M * 0.001 * 0.5, 1);
    expect(distanceMetres(MONAS, MONAS)).toBe(0);
  });

  it('Monas to Bundaran HI is about 2.3 km, the same both ways', () => {
    const hi = { latitude: -6.195_014, longitude: 106.823_006 };
    expect(distanceMetres(MONAS, hi)).toBeGreaterThan(2_200);
    expect(distanceMetres(MONAS, hi)).toBeLessThan(2_300);
    expect(distanceMetres(hi, MONAS)).toBeCloseTo(distanceMetres(MONAS, hi), 6);
  });
});

describe('nearest', () => {
  const metres = (n: number) => n / DEGREE_M;
  it('the nearest within the radius, rounded to whole metres', () => {
    const match = nearest(MONAS, [candidate('A', MONAS.latitude + metres(40), MONAS.longitude), candidate('B', MONAS.latitude - metres(12.4), MONAS.longitude)], 50);
    expect(match).toEqual({ ticket: expect.objectContaining({ number: 'B' }) as unknown, distance: 12 });
  });

  it('nothing beyond the radius, nothing without coordinates, nothing at all from nothing', () => {
    expect(nearest(MONAS, [candidate('A', MONAS.latitude + metres(50.5), MONAS.longitude), candidate('T', undefined, undefined)], 50)).toBeUndefined();
    expect(nearest(MONAS, [candidate('A', MONAS.latitude + metres(49.5), MONAS.longitude)], 50)?.distance).toBe(50);
    expect(nearest(MONAS, [], 50)).toBeUndefined();
  });

  it('of two at the same spot, the older one (the longer thread, the earlier deadline)', () => {
    const newer = candidate('NEW', MONAS.latitude, MONAS.longitude, new Date('2026-11-25T00:00:00Z'));
    const older = candidate('OLD', MONAS.latitude, MONAS.longitude, new Date('2026-11-21T00:00:00Z'));
    expect(nearest(MONAS, [newer, older], 50)?.ticket.number).toBe('OLD');
    expect(nearest(MONAS, [older, newer], 50)?.ticket.number).toBe('OLD');
  });
});

describe('boundingBox', () => {
  it('holds every point within the radius, in every direction, at the equator and in Indonesia', () => {
    for (const center of [{ latitude: 0, longitude: 0 }, MONAS, { latitude: 5.55, longitude: 95.32 }, { latitude: -10.2, longitude: 123.6 }]) {
      const box = boundingBox(center, 50);
      for (let bearing = 0; bearing < 360; bearing += 7.5) {
        // A point exactly 49.9 m away along the bearing (small-distance approximation, then measured).
        const b = (bearing * Math.PI) / 180;
        const dLat = (Math.cos(b) * 49.9) / DEGREE_M;
        const dLng = (Math.sin(b) * 49.9) / (DEGREE_M * Math.cos((center.latitude * Math.PI) / 180));
        const point = { latitude: center.latitude + dLat, longitude: center.longitude + dLng };
        expect(distanceMetres(center, point)).toBeLessThan(50);
        expect(point.latitude).toBeGreaterThanOrEqual(box.south);
        expect(point.latitude).toBeLessThanOrEqual(box.north);
        expect(point.longitude).toBeGreaterThanOrEqual(box.west ?? -180);
        expect(point.longitude).toBeLessThanOrEqual(box.east ?? 180);
      }
      // And not much more: about 100 m across.
      expect((box.north - box.south) * DEGREE_M).toBeLessThan(101);
    }
  });

  it('gives up on longitude across the antimeridian or at a pole', () => {
    expect(boundingBox({ latitude: -8, longitude: 179.9999 }, 50)).not.toHaveProperty('east');
    expect(boundingBox({ latitude: 89.9999, longitude: 10 }, 50)).not.toHaveProperty('west');
  });
});

describe('the store filter per engine', () => {
  const query = { category: 'jalan_rusak', center: MONAS, radiusMetres: 50, since: new Date('2026-11-01T00:00:00Z'), now: new Date('2026-12-01T00:00:00Z'), statuses: STILL_OPEN, limit: 200 };
  it('MongoDB: $geoWithin a sphere around the pin (the 2dsphere index), a hair wider than the radius', () => {
    const filter = nearbyFilter(query, 'mongodb');
    expect(filter).toMatchObject({ category: 'jalan_rusak', status: { $in: ['open', 'in_progress'] }, createdAt: { $gte: query.since } });
    const [[lng, lat], angle] = (filter.geo as { $geoWithin: { $centerSphere: [[number, number], number] } }).$geoWithin.$centerSphere;
    expect([lng, lat]).toEqual([MONAS.longitude, MONAS.latitude]);
    expect(angle).toBeGreaterThan(radiusAngle(50));
    expect(angle).toBeLessThan(radiusAngle(51));
  });

  it('FerretDB: no geo operator, the box on the stored coordinates', () => {
    const filter = nearbyFilter(query, 'ferretdb');
    expect(JSON.stringify(filter)).not.toContain('$geo');
    expect(filter).toMatchObject({ geo: { $exists: true }, 'location.latitude': { $gte: expect.any(Number) as unknown, $lte: expect.any(Number) as unknown }, 'location.longitude': { $gte: expect.any(Number) as unknown } });
  });
});

describe('geoOf and shorten', () => {
  it('GeoJSON is [longitude, latitude], and only with coordinates', () => {
    expect(geoOf({ latitude: -6.2, longitude: 106.8, address: 'x' })).toEqual({ type: 'Point', coordinates: [106.8, -6.2] });
    expect(geoOf({ address: 'Jl. Anggrek' })).toBeUndefined();
    expect(geoOf(undefined)).toBeUndefined();
  });

  it('a description cut at a whole word, on one line', () => {
    expect(shorten('Lampu jalan mati.')).toBe('Lampu jalan mati.');
    expect(shorten('Lampu jalan\nmati   sejak kemarin', 80)).toBe('Lampu jalan mati sejak kemarin');
    const long = 'Jalan berlubang dalam di depan warung Bu Tini, motor sering jatuh, sudah tiga minggu belum ditambal juga.';
    expect(shorten(long)).toBe('Jalan berlubang dalam di depan warung Bu Tini, motor sering jatuh, sudah tiga…');
    expect(shorten(long).length).toBeLessThanOrEqual(80);
    expect(shorten('x'.repeat(200)).length).toBe(80);
  });
});

describe('the embedded database\'s cells (geo-cells.ts)', () => {
  const since = new Date('2026-11-10T00:00:00Z');
  const now = new Date('2026-12-01T12:00:00Z');
  const created = new Date('2026-11-20T08:00:00Z');

  it('a ticket within the radius is in one of the cells a search reads, for radii from 10 m to 5 km', () => {
    for (const metres of [10, 50, 120, 800, 5_000]) {
      for (const center of [MONAS, { latitude: 0.0004, longitude: -0.0004 }, { latitude: 3.5952, longitude: 98.6722 }]) {
        const read = new Set(cellsAround(center, metres, since, now));
        expect(read.size).toBeGreaterThan(0);
        expect(read.size).toBeLessThanOrEqual(64);
        for (let bearing = 0; bearing < 360; bearing += 15) {
          const b = (bearing * Math.PI) / 180;
          const d = metres * 0.999;
          const point = { latitude: center.latitude + (Math.cos(b) * d) / DEGREE_M, longitude: center.longitude + (Math.sin(b) * d) / (DEGREE_M * Math.cos((center.latitude * Math.PI) / 180)) };
          // Listed in the one size a search of this radius reads (a new pin is listed in no other).
          expect(cellsOf(point, created, listedSizes(metres)).some((cell) => read.has(cell)), `${String(metres)} m, ${String(bearing)}°`).toBe(true);
        }
      }
    }
  });

  it('a 50 m search reads the small cells of the months since the cut-off: a few look-ups by key', () => {
    const read = cellsAround(MONAS, 50, since, now) ?? [];
    expect(read.every((cell) => cell.startsWith('1:'))).toBe(true);
    expect(new Set(read.map((cell) => cell.slice(-7)))).toEqual(new Set(['2026-11', '2026-12']));
    expect(read.length).toBeLessThanOrEqual(2 * 2 * 2);
    expect(cellsOf(MONAS, created)).toEqual(['1:-6176:106827:2026-11', '10:-618:10682:2026-11', '100:-62:1068:2026-11']);
  });

  it('a new pin is listed in the cells of one size, the one its radius reads: 111 m up to 55 m, then 1.1 km, then 11 km', () => {
    expect([10, 50, 55, 56, 500, 556, 5_000, 5_600].map((metres) => listedSizes(metres))).toEqual([[1], [1], [1], [10], [10], [100], [100], []]);
    expect(listedSizes(undefined)).toEqual([1, 10, 100]);
    for (const metres of [10, 50, 120, 800, 5_000]) expect(cellsAround(MONAS, metres, since, now)?.every((cell) => cell.startsWith(`${String(cellSizeFor(metres))}:`))).toBe(true);
  });

  it('too many cells (a radius of kilometres over years), or across the antimeridian: undefined, so the search scans', () => {
    expect(cellsAround(MONAS, 5_000, new Date('2021-01-01T00:00:00Z'), now)).toBeUndefined();
    expect(cellsAround(MONAS, 20_000, since, now)).toBeUndefined();
    expect(cellsAround({ latitude: -8, longitude: 179.9999 }, 50, since, now)).toBeUndefined();
  });
});
