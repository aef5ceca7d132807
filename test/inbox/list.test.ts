// The ticket list as a call centre uses it: search over every field an
// operator remembers, sorts, the total, page sizes, bulk transfer with each
// ticket's version, and the formula-safe CSV export within the role's scope.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningApplication } from '../../src/app/application.js';
import { ADMIN, addOperators, OperatorSession, startInboxApp } from '../support/inbox.js';
import { useTestDatabase } from '../support/database.js';

const db = useTestDatabase(import.meta.filename);
let app: RunningApplication;
let admin: OperatorSession;
let dpupr: OperatorSession;

interface Row { number: string; status: string; agency: string | null; version: number; createdAt: string }
interface List { tickets: Row[]; next: string | null; total: number }

const made: Record<string, string> = {};

async function complaint(key: string, body: Record<string, unknown>): Promise<void> {
  const response = await admin.post<{ number: string }>('/api/tickets', { channel: 'phone', ...body });
  if (response.status !== 201) throw new Error(`complaint ${key}: ${String(response.status)} ${JSON.stringify(response.body)}`);
  made[key] = response.body.number;
}

const numbers = (list: { body: List }) => list.body.tickets.map((t) => t.number);

beforeAll(async () => {
  app = await startInboxApp(db);
  admin = await OperatorSession.login(app.url, ADMIN.username, ADMIN.password);
  await addOperators(admin);
  dpupr = await OperatorSession.login(app.url, 'dpupr.budi', 'password-dpupr-1');
  await complaint('road', { reporter: { name: 'Rudi', phone: '0812 7777 8888' }, category: 'jalan_rusak', description: 'Aspal berlubang', location: { address: 'Jl. Cendrawasih No. 4, dekat pasar' } });
  await complaint('rubbish', { reporter: { name: 'Wati', email: 'wati.kenanga@example.id', address: 'Jl. Kenanga 2' }, category: 'sampah', description: 'Sampah menumpuk' });
  await complaint('formula', { reporter: { name: '=1+1', phone: '+6281399990000' }, category: 'sampah', description: '@SUM(A1:A2) -2 +3' });
  for (let i = 0; i < 4; i++) await complaint(`road${String(i)}`, { reporter: { name: `Warga ${String(i)}` }, category: 'jalan_rusak', description: `Jalan rusak nomor ${String(i)}`, location: { address: `Jl. Merpati ${String(i)}` } });
});
afterAll(async () => { await app.stop(); });

describe('search', () => {
  it('finds a street name in the location text, a phone in any spelling, an email and an address', async () => {
    expect(numbers(await admin.get<List>('/api/tickets?q=cendrawasih'))).toEqual([made.road]);
    for (const phone of ['081277778888', '+62812-7777-8888', '62 812 7777 8888', '0812 7777 8888']) {
      expect(numbers(await admin.get<List>(`/api/tickets?q=${encodeURIComponent(phone)}`)), phone).toEqual([made.road]);
    }
    expect(numbers(await admin.get<List>('/api/tickets?q=WATI.KENANGA%40example'))).toEqual([made.rubbish]);
    expect(numbers(await admin.get<List>('/api/tickets?q=Kenanga%202'))).toEqual([made.rubbish]);
    // The operator's text is a text, never a pattern.
    expect((await admin.get<List>('/api/tickets?q=.*')).body.tickets).toEqual([]);
    expect((await admin.get<List>('/api/tickets?q=(')).status).toBe(200);
  });

  it('never shows an agency operator another agency\'s tickets', async () => {
    expect((await dpupr.get<List>('/api/tickets?q=kenanga')).body).toMatchObject({ tickets: [], total: 0 });
    expect((await dpupr.get<List>('/api/tickets?q=Jl.')).body.tickets.every((t) => t.agency === 'DPUPR')).toBe(true);
    expect((await dpupr.get<List>('/api/tickets?q=Jl.')).body.total).toBe(5);
  });
});

describe('sort, count and page size', () => {
  it('counts the whole filtered list, not the page', async () => {
    const page = await admin.get<List>('/api/tickets?limit=2');
    expect(page.body.tickets).toHaveLength(2);
    expect(page.body.total).toBe(7);
    expect((await admin.get<List>('/api/tickets?agency=DLH')).body.total).toBe(2);
    expect((await admin.get('/api/tickets?limit=101')).status).toBe(400);
    expect((await admin.get<List>('/api/tickets?limit=100')).body.tickets).toHaveLength(7);
  });

  it('sorts by agency and by status, and pages through either without a gap or a repeat', async () => {
    for (const sort of ['agency', 'status', 'newest', 'deadline'] as const) {
      const seen: Row[] = [];
      let next: string | null = null;
      do {
        const page: { body: List } = await admin.get<List>(`/api/tickets?sort=${sort}&limit=2${next ? `&cursor=${next}` : ''}`);
        seen.push(...page.body.tickets);
        next = page.body.next;
      } while (next);
      expect(new Set(seen.map((t) => t.number)).size, sort).toBe(seen.length);
      expect(seen, sort).toHaveLength(7);
      if (sort === 'agency') expect(seen.map((t) => t.agency)).toEqual(['DLH', 'DLH', 'DPUPR', 'DPUPR', 'DPUPR', 'DPUPR', 'DPUPR']);
      if (sort === 'agency') expect(seen.slice(2).map((t) => t.createdAt)).toEqual(seen.slice(2).map((t) => t.createdAt).sort().reverse());
    }
    // A cursor of one order does not continue another.
    const agencyPage = await admin.get<List>('/api/tickets?sort=agency&limit=2');
    expect((await admin.get(`/api/tickets?sort=status&cursor=${agencyPage.body.next ?? ''}`)).status).toBe(400);
  });
});

describe('bulk transfer', () => {
  it('transfers each ticket with its version: one changed meanwhile is refused, the others done', async () => {
    const list = await admin.get<List>('/api/tickets?q=Merpati&limit=100');
    const [a, b, c] = list.body.tickets;
    if (!a || !b || !c) throw new Error('three tickets expected');
    // A colleague transfers c while the list is on screen.
    expect((await admin.post(`/api/tickets/${c.number}/assign`, { agency: 'DISHUB', expectedVersion: c.version })).status).toBe(200);
    expect((await dpupr.post('/api/tickets/bulk/assign', { agency: 'DLH', tickets: [{ number: a.number, expectedVersion: a.version }] })).status).toBe(403);
    const bulk = await admin.post<{ done: string[]; refused: { number: string; code: string }[] }>('/api/tickets/bulk/assign', { agency: 'DLH', tickets: [a, b, c].map((t) => ({ number: t.number, expectedVersion: t.version })) });
    expect(bulk.status).toBe(200);
    expect(bulk.body.done).toEqual([a.number, b.number]);
    expect(bulk.body.refused).toEqual([{ number: c.number, code: 'stale_version' }]);
    expect((await admin.get<{ agency: string }>(`/api/tickets/${a.number}`)).body.agency).toBe('DLH');
    expect((await admin.get<{ agency: string }>(`/api/tickets/${c.number}`)).body.agency).toBe('DISHUB');
    const audit = await admin.get<{ entries: { action: string; ticket?: string }[] }>(`/api/audit?ticket=${a.number}`);
    expect(audit.body.entries.map((e) => e.action)).toContain('assign');
  });
});

describe('CSV export', () => {
  it('exports the filtered list with formulas defused, audited', async () => {
    const csv = await admin.get<string>('/api/tickets/export.csv?agency=DLH');
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toContain('text/csv');
    expect(csv.headers.get('content-disposition')).toMatch(/attachment; filename="tiket-\d{4}-\d{2}-\d{2}\.csv"/);
    const lines = csv.body.trim().split('\r\n');
    expect(lines[0]).toMatch(/^number,created_at,status,agency/);
    expect(csv.body).toContain(made.formula);
    expect(csv.body).toContain(",'=1+1,");
    expect(csv.body).toContain("'@SUM(A1:A2) -2 +3");
    expect(csv.body).not.toMatch(/(^|,)[=+\-@]/m);
    expect(csv.body).not.toContain(made.road);
    const audit = await admin.get<{ entries: { action: string; detail?: Record<string, unknown> }[] }>('/api/audit?limit=20');
    expect(audit.body.entries.find((e) => e.action === 'export_tickets')?.detail).toMatchObject({ filters: { agency: 'DLH' } });
  });

  it('gives an agency operator only their agency\'s tickets, whatever they ask for', async () => {
    const mine = await dpupr.get<string>('/api/tickets/export.csv');
    expect(mine.body).toContain(made.road);
    expect(mine.body).not.toContain(made.rubbish);
    expect(mine.body).not.toContain(made.formula);
    const other = await dpupr.get<string>('/api/tickets/export.csv?agency=DLH&q=kenanga');
    expect(other.body.trim().split('\r\n')).toHaveLength(1);
  });
});
