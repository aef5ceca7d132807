// Daily and monthly reports for the central operators and supervisors, and
// the monthly monitoring-and-evaluation (monev) report each agency gets about
// its own tickets. Stored (a rerun replaces), emailed once with the CSV
// through the durable mail queue (key `report:<id>`: a rerun queues nothing).
import type { Config } from '../../config/schema.js';
import type { NoticeDispatcher } from '../../notifications/notice-dispatcher.js';
import type { Logger } from '../../observability/logger.js';
import type { ReportStore } from '../../storage/report-store.js';
import { type Period, previousDay, previousMonth } from '../../reports/period.js';
import { buildReport, type Report, reportText, ticketsCsv } from '../../reports/report.js';
import { satisfactionSummary } from '../../reports/satisfaction.js';

export interface ReportDeps {
  readonly reports: ReportStore;
  /** The mail queue; undefined when SMTP is not configured (reports are then only stored). */
  readonly notices?: NoticeDispatcher | undefined;
  readonly config: Pick<Config, 'agencies' | 'categories' | 'centralOperators' | 'city' | 'sla'>;
  readonly logger: Logger;
  readonly clock?: () => Date;
}

export async function dailyReport(deps: ReportDeps): Promise<number> {
  const period = previousDay((deps.clock ?? (() => new Date()))(), deps.config.city.timezone);
  return cityReport(deps, period);
}

export async function monthlyReport(deps: ReportDeps): Promise<number> {
  const period = previousMonth((deps.clock ?? (() => new Date()))(), deps.config.city.timezone);
  let sent = await cityReport(deps, period);
  for (const agency of deps.config.agencies) {
    const created = await deps.reports.ticketsCreated(period.from, period.to, agency.code);
    const report = await withSatisfaction(deps, buildReport(`monev:${period.label}:${agency.code}`, 'monev', period, created, await deps.reports.unfinished(agency.code), deps.config.sla, agency.code));
    const to = [agency.contacts.email, ...agency.supervisors.flatMap((s) => (s.email ? [s.email] : []))];
    sent += await store(deps, report, ticketsCsv(created), to, `Monev ${period.label} — ${agency.name}`);
  }
  return sent;
}

async function cityReport(deps: ReportDeps, period: Period): Promise<number> {
  const created = await deps.reports.ticketsCreated(period.from, period.to);
  const report = await withSatisfaction(deps, buildReport(`${period.kind}:${period.label}`, period.kind, period, created, await deps.reports.unfinished(), deps.config.sla));
  const to = [...deps.config.centralOperators.emails, ...deps.config.agencies.flatMap((a) => a.supervisors.flatMap((s) => (s.email ? [s.email] : [])))];
  const title = `${period.kind === 'daily' ? 'Laporan harian' : 'Laporan bulanan'} pengaduan ${period.label}`;
  return store(deps, report, ticketsCsv(created), to, title);
}

/** The ratings citizens gave in the report's period (of the agency's tickets, for a monev). */
async function withSatisfaction(deps: ReportDeps, report: Report): Promise<Report> {
  const agencies = report.agency ? [report.agency] : deps.config.agencies.map((a) => a.code);
  return { ...report, satisfaction: satisfactionSummary(await deps.reports.rated(report.from, report.to, report.agency), agencies) };
}

async function store(deps: ReportDeps, report: Report, csv: string, to: string[], subject: string): Promise<number> {
  const now = (deps.clock ?? (() => new Date()))();
  await deps.reports.save(report, csv, now);
  if (!deps.notices || to.length === 0) return 1;
  const queued = await deps.notices.enqueue({
    id: `report:${report.id}`,
    kind: 'report',
    mail: {
      to: [...new Set(to)],
      subject,
      text: reportText(report, deps.config),
      attachments: [{ filename: `${report.id.replaceAll(':', '-')}.csv`, text: csv, contentType: 'text/csv; charset=utf-8' }],
    },
  });
  return queued ? 1 : 0; // not queued: an earlier run did
}
