// "Deadlines in sight" (issue 15 item 2): every ticket at an agency's stage shows
// its running deadline and how it stands (on time, under 25 % left, overdue), and
// the list sorts by it, soonest first, in keyset pages.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningApplication } from '../../src/app/application.js';
import { useTestDatabase } from '../support/database.js';
import { ADMIN, addOperators, OperatorSession, startInboxApp } from '../support/inbox.js';

const db = useTestDatabase(import.meta.filename);
let app: RunningApplication;
let admin: OperatorSession;
let dpupr: OperatorSession;

interface Deadline { kind: string; start: string | null; at: string; state: string }
interface Row { number: string; status: string; deadline: Deadline | null }
interface List { tickets: Row[]; next: string | null }

const HOUR = 3_600_000;
const complaint = (description: string) => ({ channel: 'phone', reporter: { name: 'Bu Sri' }, category: 'jalan_rusak', description });
const setDeadline = (number: string, start: number, at: number) =>
  db.connection.collection('tickets').updateOne({ _id: number as never }, { $set: { 'deadline.start': new Date(start), 'deadline.at': new Date(at), 'due.firstResponse': new Date(at) } });

beforeAll(async () => {
  app = await startInboxApp(db);
  admin = await OperatorSession.login(app.url, ADMIN.username, ADMIN.password);
  await addOperators(admin);
  dpupr = await OperatorSession.login(app.url, 'dpupr.budi', 'password-dpupr-1');
});
afterAll(async () => { await app.stop(); });

describe('the running deadline', () => {
  it('follows the stage: the first response at creation and transfer, the follow-up once taken up, none while the result waits', async () => {
    const before = Date.now();
    const created = (await admin.post<Row & { version: number }>('/api/tickets', complaint('Lubang di Jl. Melati'))).body;
    expect(created.deadline).toMatchObject({ kind: 'firstResponse', state: 'on_time' });
    const span = Date.parse(created.deadline?.at ?? '') - Date.parse(created.deadline?.start ?? '');
    expect(span).toBe(24 * HOUR);
    expect(Date.parse(created.deadline?.start ?? '')).toBeGreaterThanOrEqual(before - 1_000);
    const taken = (await dpupr.post<Row>(`/api/tickets/${created.number}/transitions`, { to: 'respond' })).body;
    expect(taken.deadline).toMatchObject({ kind: 'followUp', state: 'on_time' });
    const submitted = (await dpupr.post<Row>(`/api/tickets/${created.number}/transitions`, { to: 'submitResult', text: 'Sudah ditambal' })).body;
    expect(submitted.deadline).toBeNull();
    const returned = (await admin.post<Row>(`/api/tickets/${created.number}/transitions`, { to: 'returnToAgency', note: 'Foto kurang jelas' })).body;
    expect(returned.deadline).toMatchObject({ kind: 'followUp' });
    const moved = (await admin.post<Row>(`/api/tickets/${created.number}/assign`, { agency: 'DISHUB' })).body;
    expect(moved.deadline).toMatchObject({ kind: 'firstResponse', state: 'on_time' });
  });

  it('says on time, due soon under a quarter left, overdue past it or after a breach; and sorts the soonest first', async () => {
    const now = Date.now();
    const make = async (text: string) => (await admin.post<Row>('/api/tickets', complaint(text))).body.number;
    const late = await make('A: sudah lewat');
    const soon = await make('B: sisa 2 jam dari 24');
    const fine = await make('C: sisa 20 jam');
    const breached = await make('D: tercatat terlambat');
    const rejected = await make('E: ditolak');
    await setDeadline(late, now - 25 * HOUR, now - HOUR);
    await setDeadline(soon, now - 22 * HOUR, now + 2 * HOUR);
    await setDeadline(fine, now - 4 * HOUR, now + 20 * HOUR);
    await setDeadline(breached, now - 2 * HOUR, now + 22 * HOUR);
    await db.connection.collection('tickets').updateOne({ _id: breached as never }, { $push: { slaBreaches: { kind: 'firstResponse', at: new Date(), key: 'x' } } as never });
    await admin.post(`/api/tickets/${rejected}/transitions`, { to: 'reject', note: 'Ganda' });

    const all = (await admin.get<List>('/api/tickets?limit=100')).body.tickets;
    const state = (number: string) => all.find((t) => t.number === number)?.deadline?.state;
    expect([state(late), state(soon), state(fine), state(breached)]).toEqual(['overdue', 'due_soon', 'on_time', 'overdue']);
    expect(all.find((t) => t.number === rejected)?.deadline).toBeNull();

    const sorted = (await admin.get<List>('/api/tickets?sort=deadline&limit=100')).body.tickets.map((t) => t.number);
    expect(sorted.slice(0, 3)).toEqual([late, soon, fine]);
    expect(sorted).not.toContain(rejected);
    const ats = (await admin.get<List>('/api/tickets?sort=deadline&limit=100')).body.tickets.map((t) => Date.parse(t.deadline?.at ?? ''));
    expect(ats).toEqual([...ats].sort((a, b) => a - b));

    // Keyset pages in the same order, and a cursor of one order does not continue the other.
    const paged: string[] = [];
    let next: string | null = null;
    do {
      const page: List = (await admin.get<List>(`/api/tickets?sort=deadline&limit=2${next ? `&cursor=${next}` : ''}`)).body;
      paged.push(...page.tickets.map((t) => t.number));
      next = page.next;
    } while (next);
    expect(paged).toEqual(sorted);
    const newest = (await admin.get<List>('/api/tickets?limit=1')).body.next ?? '';
    expect((await admin.get(`/api/tickets?sort=deadline&cursor=${newest}`)).body).toMatchObject({ code: 'bad_cursor' });
    // An agency operator's sorted list is still its own agency's.
    const own = (await dpupr.get<List>('/api/tickets?sort=deadline&limit=100')).body.tickets.map((t) => t.number);
    expect(own).toEqual(sorted.filter((n) => own.includes(n)));
    expect(own).toContain(late);
  });
});
