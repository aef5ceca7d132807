// The dashboard and reports (issue 15 item 8): a range of calendar days in the
// city's time zone, breakdowns, first-response compliance per agency over time,
// time to resolve, the backlog per day, agency scoping, and "generate now" with
// the stored CSV.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningApplication } from '../../src/app/application.js';
import { ticketModel } from '../../src/storage/models/ticket.js';
import type { Ticket } from '../../src/tickets/model.js';
import { useTestDatabase } from '../support/database.js';
import { ADMIN, addOperators, OperatorSession, startInboxApp } from '../support/inbox.js';

const db = useTestDatabase(import.meta.filename);
let app: RunningApplication;
let admin: OperatorSession;
let dpupr: OperatorSession;

const HOUR = 3_600_000;
const at = (iso: string) => new Date(iso);
const plus = (iso: string, hours: number) => new Date(Date.parse(iso) + hours * HOUR);
function ticket(n: number, createdAt: string, fields: Partial<Ticket>): Ticket & { _id: string } {
  const number = `ADU-2603-${String(n).padStart(5, '0')}`;
  return { _id: number, number, status: 'open', channel: 'webchat', reporter: { channelUserId: `u${String(n)}` }, category: 'jalan_rusak', agency: 'DPUPR', description: 'uji', attachments: [], due: {}, reopenCount: 0, history: [], version: 0, createdAt: at(createdAt), updatedAt: at(createdAt), ...fields };
}
const breach = (iso: string) => ({ slaBreaches: [{ kind: 'firstResponse' as const, at: at(iso), key: `b${iso}` }] });

interface Dashboard {
  total: number;
  range: { preset: string; from: string; to: string; timeZone: string };
  byStatus: Record<string, number>;
  byCategory: Record<string, number>;
  byAgency: Record<string, number>;
  byChannel: Record<string, number>;
  complianceByAgency: Record<string, { percent: number | null }>;
  complianceOverTime: { buckets: { from: string; to: string }[]; agencies: Record<string, (number | null)[]> };
  timeToResolve: { count: number; medianHours: number | null; p90Hours: number | null };
  backlog: { date: string; open: number }[];
  overdue: { number: string }[];
}

beforeAll(async () => {
  app = await startInboxApp(db);
  admin = await OperatorSession.login(app.url, ADMIN.username, ADMIN.password);
  await addOperators(admin);
  dpupr = await OperatorSession.login(app.url, 'dpupr.budi', 'password-dpupr-1');
  // Asia/Jakarta (UTC+7): 2026-03-10 starts at 2026-03-09T17:00Z.
  await ticketModel(db.connection).insertMany([
    ticket(0, '2026-03-01T03:00:00Z', { status: 'resolved', firstRespondedAt: at('2026-03-01T05:00:00Z'), resolvedAt: at('2026-03-11T10:00:00Z'), updatedAt: at('2026-03-11T10:00:00Z') }),
    ticket(1, '2026-03-09T16:59:00Z', { status: 'closed', firstRespondedAt: plus('2026-03-09T16:59:00Z', 2), resolvedAt: plus('2026-03-09T16:59:00Z', 20), closedAt: plus('2026-03-09T16:59:00Z', 30), updatedAt: plus('2026-03-09T16:59:00Z', 30) }), // 23:59 WIB on the 9th
    ticket(2, '2026-03-09T17:01:00Z', { status: 'resolved', channel: 'telegram', firstRespondedAt: plus('2026-03-09T17:01:00Z', 30), resolvedAt: plus('2026-03-09T17:01:00Z', 48), ...breach('2026-03-10T17:01:00Z') }), // 00:01 WIB on the 10th
    ticket(3, '2026-03-10T05:00:00Z', { status: 'in_progress', agency: 'DLH', category: 'sampah', channel: 'whatsapp', firstRespondedAt: plus('2026-03-10T05:00:00Z', 1) }),
    ticket(4, '2026-03-11T05:00:00Z', { status: 'open', agency: 'DLH', category: 'sampah', ...breach('2026-03-12T05:00:00Z') }),
    ticket(5, '2026-03-11T06:00:00Z', { status: 'resolved', channel: 'phone', firstRespondedAt: plus('2026-03-11T06:00:00Z', 1), resolvedAt: plus('2026-03-11T06:00:00Z', 100) }),
    ticket(6, '2026-03-11T07:00:00Z', { status: 'in_progress', firstRespondedAt: plus('2026-03-11T07:00:00Z', 2) }),
  ]);
});
afterAll(async () => { await app.stop(); });

const custom = (from: string, to: string) => `/api/reports/dashboard?range=custom&from=${from}&to=${to}`;

describe('the dashboard over a range', () => {
  it('counts the days of the city\'s time zone: 23:59 WIB is the day before, 00:01 WIB the day itself', async () => {
    const ninth = (await admin.get<Dashboard>(custom('2026-03-09', '2026-03-09'))).body;
    expect(ninth.total).toBe(1);
    expect(ninth.range).toEqual({ preset: 'custom', from: '2026-03-09', to: '2026-03-09', timeZone: 'Asia/Jakarta' });
    const tenth = (await admin.get<Dashboard>(custom('2026-03-10', '2026-03-10'))).body;
    expect(tenth.total).toBe(2);
    expect((await admin.get(custom('2026-03-11', '2026-03-10'))).status).toBe(400);
    expect((await admin.get('/api/reports/dashboard?range=custom&from=2026-03-10')).status).toBe(400);
  });

  it('breaks the range down by category, channel, agency and status', async () => {
    const d = (await admin.get<Dashboard>(custom('2026-03-10', '2026-03-11'))).body;
    expect(d.total).toBe(5);
    expect(d.byCategory).toEqual({ jalan_rusak: 3, sampah: 2 });
    expect(d.byChannel).toEqual({ telegram: 1, whatsapp: 1, webchat: 2, phone: 1 });
    expect(d.byAgency).toEqual({ DPUPR: 3, DLH: 2 });
    expect(d.byStatus).toEqual({ resolved: 2, in_progress: 2, open: 1 });
    expect(d.overdue.map((o) => o.number)).toEqual(['ADU-2603-00004']);
  });

  it('gives first-response compliance per agency, overall and per day', async () => {
    const d = (await admin.get<Dashboard>(custom('2026-03-10', '2026-03-11'))).body;
    expect(d.complianceByAgency.DPUPR?.percent).toBe(66.7);
    expect(d.complianceByAgency.DLH?.percent).toBe(50);
    expect(d.complianceOverTime.buckets).toEqual([{ from: '2026-03-10', to: '2026-03-10' }, { from: '2026-03-11', to: '2026-03-11' }]);
    expect(d.complianceOverTime.agencies).toEqual({ DLH: [100, 0], DPUPR: [0, 100] });
  });

  it('gives the median and 90th percentile of the time to resolve', async () => {
    const d = (await admin.get<Dashboard>(custom('2026-03-10', '2026-03-11'))).body;
    expect(d.timeToResolve).toEqual({ count: 2, medianHours: 48, p90Hours: 100 });
  });

  it('counts the open tickets at the end of each day, including older ones still waiting then', async () => {
    const d = (await admin.get<Dashboard>(custom('2026-03-09', '2026-03-11'))).body;
    expect(d.backlog).toEqual([{ date: '2026-03-09', open: 2 }, { date: '2026-03-10', open: 3 }, { date: '2026-03-11', open: 5 }]);
  });

  it('shows an agency operator its own agency only', async () => {
    const d = (await dpupr.get<Dashboard>(custom('2026-03-10', '2026-03-11'))).body;
    expect(d.total).toBe(3);
    expect(d.byAgency).toEqual({ DPUPR: 3 });
    expect(Object.keys(d.complianceOverTime.agencies)).toEqual(['DPUPR']);
    expect(d.overdue).toEqual([]);
    expect(d.backlog.map((b) => b.open)).toEqual([2, 3]);
  });

  it('offers the presets: last month is the whole calendar month before this one', async () => {
    const d = (await admin.get<Dashboard>('/api/reports/dashboard?range=last_month')).body;
    const today = new Intl.DateTimeFormat('en-CA', { timeZone: 'Asia/Jakarta' }).format(new Date());
    expect(d.range.from.endsWith('-01')).toBe(true);
    expect(d.range.to < today).toBe(true);
    expect(d.backlog.length).toBe(Number(d.range.to.slice(8)));
    const week = (await admin.get<Dashboard>('/api/reports/dashboard?range=7d')).body;
    expect(week.range.to).toBe(today);
    expect(week.backlog).toHaveLength(7);
  });
});

describe('generating a report now', () => {
  it('stores the daily report once when asked twice, audited, and serves its CSV', async () => {
    const first = await admin.post<{ ran: boolean; reports: { id: string }[] }>('/api/reports/generate', { kind: 'daily' });
    expect(first.status).toBe(200);
    expect(first.body.ran).toBe(true);
    const second = await admin.post<{ ran: boolean }>('/api/reports/generate', { kind: 'daily' });
    expect(second.status).toBe(200);
    const stored = (await admin.get<{ reports: { id: string; kind: string }[] }>('/api/reports')).body.reports;
    const daily = stored.filter((r) => r.kind === 'daily');
    expect(daily).toHaveLength(1);
    const csv = await admin.get<string>(`/api/reports/${daily[0]?.id ?? ''}/csv`);
    expect(csv.status).toBe(200);
    expect(csv.headers.get('content-type')).toContain('text/csv');
    expect(csv.body.startsWith('number,created_at,channel')).toBe(true);
    const audit = (await admin.get<{ entries: { action: string; detail?: { job?: string } }[] }>('/api/audit?limit=50')).body.entries;
    expect(audit.filter((e) => e.action === 'generate_daily_report' && e.detail?.job === 'dailyReport')).toHaveLength(2);
  });

  it('makes the monthly report and every agency\'s monev; an agency operator may not and sees its own monev only', async () => {
    expect((await dpupr.post('/api/reports/generate', { kind: 'monthly' })).status).toBe(403);
    expect((await admin.post('/api/reports/generate', { kind: 'monthly' })).status).toBe(200);
    const all = (await admin.get<{ reports: { id: string; kind: string; agency?: string }[] }>('/api/reports')).body.reports;
    expect(all.filter((r) => r.kind === 'monthly')).toHaveLength(1);
    expect(all.some((r) => r.kind === 'monev' && r.agency === 'DLH')).toBe(true);
    const own = (await dpupr.get<{ reports: { kind: string; agency?: string }[] }>('/api/reports')).body.reports;
    expect(own.length).toBeGreaterThan(0);
    expect(own.every((r) => r.kind === 'monev' && r.agency === 'DPUPR')).toBe(true);
  });
});
