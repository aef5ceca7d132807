// Daily, monthly and monev reports on a seeded data set: exact numbers, the CSV,
// and one email each through the durable mail queue (retried after a 4xx,
// failed for good after a 5xx).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { smtpMailer } from '../../src/notifications/mailer.js';
import { NoticeDispatcher } from '../../src/notifications/notice-dispatcher.js';
import { createLogger } from '../../src/observability/logger.js';
import { dailyReport, monthlyReport } from '../../src/scheduler/jobs/reports.js';
import { previousDay, previousMonth } from '../../src/reports/period.js';
import { CSV_COLUMNS } from '../../src/reports/report.js';
import { noticeModel } from '../../src/storage/models/notice.js';
import { ticketModel } from '../../src/storage/models/ticket.js';
import { mongoNoticeStore } from '../../src/storage/notice-store.js';
import { mongoReportStore } from '../../src/storage/report-store.js';
import type { Ticket } from '../../src/tickets/model.js';
import { defaultConfig } from '../support/config.js';
import { useTestDatabase } from '../support/database.js';
import { SmtpSink } from '../support/smtp-sink.js';
import { until } from '../support/until.js';

const db = useTestDatabase(import.meta.filename);
let smtp: SmtpSink;
const config = defaultConfig((c) => {
  c.channels.email.smtp = { host: '127.0.0.1', port: 0, secure: false };
  c.channels.email.from = 'aduan@kotacontoh.go.id';
});

const at = (iso: string) => new Date(iso);
function ticket(n: number, createdAt: string, fields: Partial<Ticket>): Ticket & { _id: string } {
  const number = `ADU-2611-${String(n).padStart(5, '0')}`;
  return { _id: number, number, status: 'open', channel: 'webchat', reporter: { channelUserId: `u${String(n)}` }, category: 'jalan_rusak', agency: 'DPUPR', description: 'uji', attachments: [], due: {}, reopenCount: 0, history: [], version: 0, createdAt: at(createdAt), updatedAt: at(createdAt), ...fields };
}

beforeAll(async () => {
  smtp = await new SmtpSink().start();
  config.channels.email.smtp.port = smtp.port;
  await ticketModel(db.connection).insertMany([
    ticket(1, '2026-11-24T02:00:00Z', { status: 'in_progress', firstRespondedAt: at('2026-11-24T04:00:00Z') }),
    ticket(2, '2026-11-24T10:00:00Z', { category: 'sampah', agency: 'DLH', channel: 'telegram', slaBreaches: [{ kind: 'firstResponse', at: at('2026-11-25T10:00:00Z'), agency: 'DLH' }] }),
    ticket(3, '2026-11-24T16:30:00Z', { channel: 'whatsapp', status: 'closed', closeReason: 'confirmed', firstRespondedAt: at('2026-11-25T22:30:00Z'), slaBreaches: [{ kind: 'firstResponse', at: at('2026-11-25T16:30:00Z') }] }),
    ticket(4, '2026-11-24T17:30:00Z', { status: 'closed', closeReason: 'no_confirmation' }), // 00:30 WIB on the 25th
    ticket(5, '2026-11-23T16:00:00Z', { status: 'rejected' }), // 23:00 WIB on the 23rd
    ticket(6, '2026-11-24T05:00:00Z', { category: 'listrik', status: 'forwarded', forwardedTo: 'sp4n_lapor' }),
  ].map((t) => {
    const { agency, ...rest } = t;
    return t.forwardedTo ? rest : { ...rest, agency };
  }));
});
afterAll(async () => { await smtp.stop(); });

const logger = createLogger({ level: 'silent' });
let notices: NoticeDispatcher;
beforeAll(() => {
  const mailer = smtpMailer(config.channels.email);
  if (!mailer) throw new Error('SMTP is configured in this test');
  const reports = mongoReportStore(db.connection);
  notices = new NoticeDispatcher(mongoNoticeStore(db.connection), mailer, { read: () => Promise.resolve(null) }, logger, { baseBackoffMs: 300, onSent: (n, sentAt) => reports.markSent(n.id.slice('report:'.length), sentAt) });
});
afterAll(async () => { await notices.stop(); });
const deps = (now: string) => ({ reports: mongoReportStore(db.connection), notices, config, logger, clock: () => at(now) });

describe('periods', () => {
  it('are calendar days and months in the city’s time zone', () => {
    expect(previousDay(at('2026-11-25T01:00:00Z'), 'Asia/Jakarta')).toEqual({ kind: 'daily', label: '2026-11-24', from: at('2026-11-23T17:00:00Z'), to: at('2026-11-24T17:00:00Z') });
    expect(previousMonth(at('2026-12-01T00:30:00Z'), 'Asia/Jakarta')).toEqual({ kind: 'monthly', label: '2026-11', from: at('2026-10-31T17:00:00Z'), to: at('2026-11-30T17:00:00Z') });
    expect(previousMonth(at('2027-01-01T03:00:00Z'), 'Asia/Makassar').label).toBe('2026-12');
  });
});

describe('reports', () => {
  it('the daily report has exactly the expected numbers, a CSV with the right columns, and is emailed once', async () => {
    expect(await dailyReport(deps('2026-11-25T01:00:00Z'))).toBe(1);
    const stored = await mongoReportStore(db.connection).get('daily:2026-11-24');
    expect(stored?.data).toMatchObject({
      kind: 'daily',
      label: '2026-11-24',
      total: 4,
      byStatus: { in_progress: 1, open: 1, closed: 1, forwarded: 1 },
      byCategory: { jalan_rusak: 2, sampah: 1, listrik: 1 },
      byAgency: { DPUPR: 2, DLH: 1, sp4n_lapor: 1 },
      byChannel: { webchat: 2, telegram: 1, whatsapp: 1 },
      firstResponseCompliance: { met: 1, missed: 2, percent: 33.3 },
      overdue: [{ number: 'ADU-2611-00002', agency: 'DLH', status: 'open', breaches: ['firstResponse'] }],
    });
    const rows = (stored?.csv ?? '').trim().split('\r\n').map((r) => r.split(','));
    expect(rows[0]).toEqual([...CSV_COLUMNS]);
    expect(rows.slice(1).map((r) => r[0])).toEqual(['ADU-2611-00001', 'ADU-2611-00006', 'ADU-2611-00002', 'ADU-2611-00003']);
    expect(rows.find((r) => r[0] === 'ADU-2611-00002')?.[10]).toBe('firstResponse');

    expect(await dailyReport(deps('2026-11-25T01:05:00Z'))).toBe(0); // rerun: stored again, not emailed again
    await notices.idle();
    const mails = smtp.mails.filter((m) => m.subject.includes('Laporan harian pengaduan 2026-11-24'));
    expect(mails).toHaveLength(1);
    expect(mails[0]?.to).toContain('pengaduan@kotacontoh.go.id');
    expect(mails[0]?.to).toContain('kabid.binamarga@kotacontoh.go.id');
    expect(mails[0]?.raw).toContain('filename=daily-2026-11-24.csv');
    expect(mails[0]?.raw).toContain('Kepatuhan tanggapan 1=C3=9724 jam: 33.3%');
    expect(await noticeModel(db.connection).findById('report:daily:2026-11-24').lean()).toMatchObject({ status: 'sent', kind: 'report' });
    expect((await mongoReportStore(db.connection).get('daily:2026-11-24'))?.sentAt).toBeInstanceOf(Date);
  });

  it('a report mail the server answers 4xx is retried on the timer and sent once; a 5xx marks it failed, not retried', async () => {
    smtp.refusals.push(450);
    expect(await dailyReport(deps('2026-11-26T01:00:00Z'))).toBe(1);
    await until('the retried report', () => smtp.mails.some((m) => m.subject.includes('Laporan harian pengaduan 2026-11-25')), 5_000);
    await notices.idle();
    expect(await noticeModel(db.connection).findById('report:daily:2026-11-25').lean()).toMatchObject({ status: 'sent', attempts: 2 });
    expect(await dailyReport(deps('2026-11-26T02:00:00Z'))).toBe(0);

    smtp.refusals.push(552);
    expect(await dailyReport(deps('2026-11-27T01:00:00Z'))).toBe(1);
    await notices.idle();
    const failed = await noticeModel(db.connection).findById('report:daily:2026-11-26').lean();
    expect(failed).toMatchObject({ status: 'failed', attempts: 1 });
    expect(failed?.lastError).toContain('552');
    await new Promise((resolve) => setTimeout(resolve, 700));
    expect(await notices.sweep()).toBe(0);
    expect(await dailyReport(deps('2026-11-27T02:00:00Z'))).toBe(0);
    expect(smtp.mails.filter((m) => m.subject.includes('Laporan harian pengaduan 2026-11-25'))).toHaveLength(1);
    expect(smtp.mails.filter((m) => m.subject.includes('Laporan harian pengaduan 2026-11-26'))).toHaveLength(0);
    expect((await mongoReportStore(db.connection).get('daily:2026-11-26'))?.sentAt).toBeUndefined();
  });

  it('the monthly report covers the month and each agency gets its own monev', async () => {
    expect(await monthlyReport(deps('2026-12-01T00:30:00Z'))).toBe(1 + config.agencies.length);
    const store = mongoReportStore(db.connection);
    expect((await store.get('monthly:2026-11'))?.data).toMatchObject({ total: 6, byStatus: { closed: 2, rejected: 1 } });
    expect((await store.get('monev:2026-11:DPUPR'))?.data).toMatchObject({ agency: 'DPUPR', total: 4, byCategory: { jalan_rusak: 4 } });
    expect((await store.get('monev:2026-11:DLH'))?.data).toMatchObject({ total: 1, overdue: [{ number: 'ADU-2611-00002' }] });
    await notices.idle();
    const monev = smtp.mails.find((m) => m.subject.includes('Monev 2026-11') && m.to.includes('pengaduan.dpupr@kotacontoh.go.id'));
    expect(monev?.to.sort()).toEqual(['kabid.binamarga@kotacontoh.go.id', 'kabid.sda@kotacontoh.go.id', 'pengaduan.dpupr@kotacontoh.go.id']);
  });
});
