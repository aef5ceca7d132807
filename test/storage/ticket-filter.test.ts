// The inbox's queries in the shape the embedded database's PostgreSQL engine
// can filter in SQL instead of reading every document: the list's filter is
// one flat document where it can be (the same tickets match as with `$and`),
// and a ticket's thread is one query per branch instead of one `$or`.
import { describe, expect, it } from 'vitest';
import { conjunction, mongoInboxStore, ticketFilter } from '../../src/storage/inbox-store.js';
import { useTestDatabase } from '../support/database.js';

const db = useTestDatabase(import.meta.filename);
const now = new Date('2026-12-02T03:00:00Z');

describe('the inbox list filter', () => {
  it('is flat for status, agency, category and a search; $and only for what would collide', () => {
    const filter = ticketFilter({ status: 'closed', agency: 'DLH', category: 'sampah', text: 'Kenanga', sort: 'newest', limit: 50 }, now);
    expect(Object.keys(filter)).toEqual(['status', 'agency', 'category', '$or']);
    const both = ticketFilter({ overdue: true, text: 'Kenanga', sort: 'newest', limit: 50 }, now); // two $or
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
      const parts = ticketFilter({ ...query, sort: 'newest', limit: 50 }, now);
      const flatIds = (await tickets.find(parts).toArray()).map((t) => t._id).sort();
      const andIds = (await tickets.find({ $and: Object.entries(parts).map(([k, v]) => ({ [k]: v })) }).toArray()).map((t) => t._id).sort();
      expect(flatIds).toEqual(andIds);
      expect(flatIds.length).toBeGreaterThan(0);
    }
    const explain = await db.connection.db?.command({ explain: { find: 'tickets', filter: ticketFilter({ status: 'closed', agency: 'DLH', category: 'sampah', sort: 'newest', limit: 50 }, now) }, verbosity: 'queryPlanner' });
    const plan = JSON.stringify(explain);
    if (plan.includes('"Node Type"')) { // FerretDB on PostgreSQL (its EXPLAIN); MongoDB and SQLite explain differently
      expect(explain).toMatchObject({ filterPushdown: true });
      for (const field of ['status', 'agency', 'category']) expect(plan).toContain(`_jsonb -> '${field}'`);
    }
  });

  it('gives a ticket\'s thread from its own messages and its intake conversation, the first ones by time, each once', async () => {
    const messages = db.connection.collection<Record<string, unknown> & { _id: string }>('messages');
    const base = { channel: 'webchat', channelUserId: 'w1', messageId: 'x', status: 'processed', attempts: 0 };
    const at = (minute: number) => new Date(Date.UTC(2026, 11, 2, 1, minute));
    await messages.insertMany([
      { ...base, _id: 'm1', conversationKey: 'webchat:w1', session: 2, direction: 'in', at: at(1), text: 'lapor' },
      { ...base, _id: 'm2', conversationKey: 'webchat:w1', session: 2, direction: 'out', at: at(2), text: 'nomor tiket', ticketNumber: 'ADU-2612-00001' }, // both branches
      { ...base, _id: 'm3', conversationKey: 'webchat:w9', session: 0, direction: 'out', at: at(3), text: 'balasan petugas', ticketNumber: 'ADU-2612-00001' },
      { ...base, _id: 'm4', conversationKey: 'webchat:w1', session: 2, direction: 'in', at: at(4), text: 'terima kasih' },
      { ...base, _id: 'm5', conversationKey: 'webchat:w1', session: 1, direction: 'in', at: at(0), text: 'laporan lama' }, // another session
      { ...base, _id: 'm6', conversationKey: 'webchat:w2', session: 2, direction: 'in', at: at(0), text: 'orang lain' },
    ]);
    const store = mongoInboxStore(db.connection);
    const ticket = { number: 'ADU-2612-00001', intake: { messageId: 'x', conversationKey: 'webchat:w1', session: 2 } };
    expect((await store.thread(ticket, 10)).map((m) => m._id)).toEqual(['m1', 'm2', 'm3', 'm4']);
    expect((await store.thread(ticket, 3)).map((m) => m._id)).toEqual(['m1', 'm2', 'm3']);
  });
});
