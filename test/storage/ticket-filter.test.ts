// The inbox list's filter is one flat document where it can be, so the embedded
// database's PostgreSQL engine filters status, agency and category in SQL
// instead of reading every ticket; the same tickets match as with `$and`.
import { describe, expect, it } from 'vitest';
import { conjunction, ticketFilter } from '../../src/storage/inbox-store.js';
import { useTestDatabase } from '../support/database.js';

const db = useTestDatabase(import.meta.filename);
const now = new Date('2026-12-02T03:00:00Z');

describe('the inbox list filter', () => {
  it('is flat for status, agency, category and a search; $and only for what would collide', () => {
    const filter = ticketFilter({ status: 'closed', agency: 'DLH', category: 'sampah', text: 'Kenanga', sort: 'newest' }, now);
    expect(Object.keys(filter)).toEqual(['status', 'agency', 'category', '$or']);
    const both = ticketFilter({ overdue: true, text: 'Kenanga', sort: 'newest' }, now); // two $or
    expect(Object.keys(both)).toEqual(['$or', '$and']);
    expect(both.$and).toHaveLength(1);
    expect(conjunction([])).toEqual({});
    expect(conjunction([{ status: 'open' }, { status: 'closed' }])).toEqual({ status: 'open', $and: [{ status: 'closed' }] }); // matches nothing, as before
  });

  it('matches the same tickets as $and, and the database filters them itself (PostgreSQL: pushed down)', async () => {
    const tickets = db.connection.collection<{ _id: string; status: string; agency?: string; category: string; description: string }>('tickets');
    const docs = Array.from({ length: 60 }, (_, i) => ({ _id: `ADU-2612-${String(i).padStart(5, '0')}`, status: ['open', 'closed', 'resolved'][i % 3] ?? 'open', ...(i % 4 ? { agency: ['DLH', 'DPUPR'][i % 2] ?? 'DLH' } : {}), category: ['sampah', 'jalan_rusak', 'banjir'][i % 5 % 3] ?? 'sampah', description: `Laporan di Jl. ${i % 7 ? 'Mawar' : 'Kenanga'}` }));
    await tickets.insertMany(docs);
    for (const query of [{ status: 'closed' as const, agency: 'DLH', category: 'sampah' }, { status: 'open' as const, text: 'kenanga' }, { agency: 'DPUPR', text: 'Mawar' }]) {
      const parts = ticketFilter({ ...query, sort: 'newest' }, now);
      const flatIds = (await tickets.find(parts).toArray()).map((t) => t._id).sort();
      const andIds = (await tickets.find({ $and: Object.entries(parts).map(([k, v]) => ({ [k]: v })) }).toArray()).map((t) => t._id).sort();
      expect(flatIds).toEqual(andIds);
      expect(flatIds.length).toBeGreaterThan(0);
    }
    const explain = await db.connection.db?.command({ explain: { find: 'tickets', filter: ticketFilter({ status: 'closed', agency: 'DLH', category: 'sampah', sort: 'newest' }, now) }, verbosity: 'queryPlanner' });
    const plan = JSON.stringify(explain);
    if (plan.includes('"Plan"')) { // FerretDB on PostgreSQL; MongoDB and SQLite explain differently
      expect(explain).toMatchObject({ filterPushdown: true });
      for (const field of ['status', 'agency', 'category']) expect(plan).toContain(`_jsonb -> '${field}'`);
    }
  });
});
