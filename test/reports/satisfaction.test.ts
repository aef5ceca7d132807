// Citizens' satisfaction in the reports: per agency and overall, counted by
// the day of the rating; the monthly report and each agency's monev carry it
// (stored, in the mail's text, the score in the CSV); the dashboard API shows
// it per agency, "–" (null) where nobody rated, scoped to an agency's operator.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningApplication } from '../../src/app/application.js';
import { createLogger } from '../../src/observability/logger.js';
import { type Report, reportText } from '../../src/reports/report.js';
import { satisfactionSummary, satisfactionText } from '../../src/reports/satisfaction.js';
import { monthlyReport } from '../../src/scheduler/jobs/reports.js';
import { ticketModel } from '../../src/storage/models/ticket.js';
import { mongoReportStore } from '../../src/storage/report-store.js';
import type { Satisfaction, Ticket } from '../../src/tickets/model.js';
import { defaultConfig } from '../support/config.js';
import { useTestDatabase } from '../support/database.js';
import { ADMIN, addOperators, OperatorSession, startInboxApp } from '../support/inbox.js';

const db = useTestDatabase(import.meta.filename);
const at = (iso: string) => new Date(iso);
const rating = (score: Satisfaction['score'], iso: string): Partial<Ticket> => ({ status: 'closed', closeReason: 'confirmed', closedAt: at(iso), satisfaction: { score, at: at(iso), by: 'reporter' } });
function ticket(n: number, createdAt: string, fields: Partial<Ticket>): Ticket & { _id: string } {
  const number = `ADU-2603-${String(n).padStart(5, '0')}`;
  return { _id: number, number, status: 'open', channel: 'webchat', reporter: { channelUserId: `u${String(n)}` }, category: 'jalan_rusak', agency: 'DPUPR', description: 'uji', attachments: [], due: {}, reopenCount: 0, history: [], version: 0, createdAt: at(createdAt), updatedAt: at(createdAt), ...fields };
}

interface Figures { count: number; average: number | null; distribution: number[] }
interface Summary { overall: Figures; byAgency: Record<string, Figures> }

// Asia/Jakarta (UTC+7): 2026-03-10 starts at 2026-03-09T17:00Z.
beforeAll(async () => {
  await ticketModel(db.connection).insertMany([
    ticket(1, '2026-03-02T03:00:00Z', rating(5, '2026-03-10T03:00:00Z')),
    ticket(2, '2026-03-03T03:00:00Z', rating(4, '2026-03-10T05:00:00Z')),
    ticket(3, '2026-02-20T03:00:00Z', rating(4, '2026-03-11T05:00:00Z')), // created in February, rated in March
    ticket(4, '2026-03-04T03:00:00Z', { ...rating(2, '2026-03-10T08:00:00Z'), agency: 'DLH', category: 'sampah' }),
    ticket(5, '2026-03-05T03:00:00Z', { ...rating(1, '2026-03-09T16:59:00Z'), agency: 'DLH', category: 'sampah' }), // 23:59 WIB on the 9th
    ticket(6, '2026-03-06T03:00:00Z', { status: 'closed', closeReason: 'confirmed' }), // confirmed, never rated
  ]);
});

describe('satisfaction figures', () => {
  it('average with one decimal, count and spread per agency; listed agencies without ratings have none', () => {
    const rated = [{ number: 'a', agency: 'DPUPR', satisfaction: { score: 5 as const, at: new Date(), by: 'reporter' as const } }, { number: 'b', agency: 'DPUPR', satisfaction: { score: 4 as const, at: new Date(), by: 'reporter' as const } }, { number: 'c', agency: 'DPUPR', satisfaction: { score: 4 as const, at: new Date(), by: 'reporter' as const } }];
    const summary = satisfactionSummary(rated, ['DISHUB']);
    expect(summary.overall).toEqual({ count: 3, average: 4.3, distribution: [0, 0, 0, 2, 1] });
    expect(summary.byAgency).toEqual({ DISHUB: { count: 0, average: null, distribution: [0, 0, 0, 0, 0] }, DPUPR: { count: 3, average: 4.3, distribution: [0, 0, 0, 2, 1] } });
    expect(satisfactionText(summary, (code) => code)).toBe('Kepuasan warga (penilaian 1–5 setelah pelapor mengonfirmasi selesai): 4.3 dari 5 (3 penilaian; 1: 0, 2: 0, 3: 0, 4: 2, 5: 1)\n  DISHUB: – dari 5 (0 penilaian)\n  DPUPR: 4.3 dari 5 (3 penilaian; 1: 0, 2: 0, 3: 0, 4: 2, 5: 1)');
    expect(satisfactionSummary([]).overall).toEqual({ count: 0, average: null, distribution: [0, 0, 0, 0, 0] });
  });
});

describe('the monthly report and the monev', () => {
  const config = defaultConfig();
  const deps = () => ({ reports: mongoReportStore(db.connection), config, logger: createLogger({ level: 'silent' }), clock: () => at('2026-04-01T00:30:00Z') });

  it('carry the ratings given in the month, per agency, in the data, the mail text and the CSV', async () => {
    expect(await monthlyReport(deps())).toBe(1 + config.agencies.length);
    const store = mongoReportStore(db.connection);
    const monthly = (await store.get('monthly:2026-03'))?.data as unknown as Report;
    expect(monthly.satisfaction?.overall).toEqual({ count: 5, average: 3.2, distribution: [1, 1, 0, 2, 1] });
    expect(monthly.satisfaction?.byAgency.DLH).toEqual({ count: 2, average: 1.5, distribution: [1, 1, 0, 0, 0] });
    expect(monthly.satisfaction?.byAgency.DISHUB).toEqual({ count: 0, average: null, distribution: [0, 0, 0, 0, 0] });
    const text = reportText(monthly, config);
    expect(text).toContain('Kepuasan warga (penilaian 1–5 setelah pelapor mengonfirmasi selesai): 3.2 dari 5 (5 penilaian; 1: 1, 2: 1, 3: 0, 4: 2, 5: 1)');
    expect(text).toContain('\n  Dinas Pekerjaan Umum dan Penataan Ruang: 4.3 dari 5 (3 penilaian; 1: 0, 2: 0, 3: 0, 4: 2, 5: 1)');
    expect(text).toContain('\n  Dinas Perhubungan: – dari 5 (0 penilaian)');

    const monev = await store.get('monev:2026-03:DPUPR');
    expect((monev?.data as unknown as Report).satisfaction).toEqual({ overall: { count: 3, average: 4.3, distribution: [0, 0, 0, 2, 1] }, byAgency: { DPUPR: { count: 3, average: 4.3, distribution: [0, 0, 0, 2, 1] } } });
    expect(reportText(monev?.data as unknown as Report, config)).toMatch(/Kepuasan warga \(.*\): 4\.3 dari 5 \(3 penilaian; 1: 0, 2: 0, 3: 0, 4: 2, 5: 1\)$/m);
    // The CSV: the monev's tickets created in March, each with its score (empty when not rated).
    const rows = (monev?.csv ?? '').trim().split('\r\n').map((r) => r.split(','));
    const column = rows[0]?.indexOf('satisfaction') ?? -1;
    expect(column).toBeGreaterThan(0);
    expect(Object.fromEntries(rows.slice(1).map((r) => [r[0], r[column]]))).toEqual({ 'ADU-2603-00001': '5', 'ADU-2603-00002': '4', 'ADU-2603-00006': '' });
    const dishub = (await store.get('monev:2026-03:DISHUB'))?.data as unknown as Report;
    expect(reportText(dishub, config)).toContain('Kepuasan warga (penilaian 1–5 setelah pelapor mengonfirmasi selesai): – dari 5 (0 penilaian)');
  });
});

describe('the dashboard API', () => {
  let app: RunningApplication;
  let admin: OperatorSession;
  let dpupr: OperatorSession;
  beforeAll(async () => {
    app = await startInboxApp(db);
    admin = await OperatorSession.login(app.url, ADMIN.username, ADMIN.password);
    await addOperators(admin);
    dpupr = await OperatorSession.login(app.url, 'dpupr.budi', 'password-dpupr-1');
  });
  afterAll(async () => { await app.stop(); });
  const range = (from: string, to: string) => `/api/reports/dashboard?range=custom&from=${from}&to=${to}`;

  it('shows the ratings given in the range per agency (by the day of the rating, in the city\'s time zone)', async () => {
    const d = (await admin.get<{ satisfaction: Summary }>(range('2026-03-10', '2026-03-11'))).body.satisfaction;
    expect(d.overall).toEqual({ count: 4, average: 3.8, distribution: [0, 1, 0, 2, 1] });
    expect(d.byAgency.DPUPR).toEqual({ count: 3, average: 4.3, distribution: [0, 0, 0, 2, 1] });
    expect(d.byAgency.DLH).toEqual({ count: 1, average: 2, distribution: [0, 1, 0, 0, 0] });
    expect(d.byAgency.DISHUB).toEqual({ count: 0, average: null, distribution: [0, 0, 0, 0, 0] });
    expect(Object.keys(d.byAgency)).toHaveLength(9);
    const ninth = (await admin.get<{ satisfaction: Summary }>(range('2026-03-09', '2026-03-09'))).body.satisfaction;
    expect(ninth.overall).toEqual({ count: 1, average: 1, distribution: [1, 0, 0, 0, 0] });
  });

  it('an agency operator sees its own agency only', async () => {
    const d = (await dpupr.get<{ satisfaction: Summary }>(range('2026-03-01', '2026-03-31'))).body.satisfaction;
    expect(d.overall).toEqual({ count: 3, average: 4.3, distribution: [0, 0, 0, 2, 1] });
    expect(Object.keys(d.byAgency)).toEqual(['DPUPR']);
  });
});
