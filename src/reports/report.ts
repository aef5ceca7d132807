// Reports as pure functions of tickets: counts by status, category, agency and
// channel; SLA compliance; the overdue list; and the CSV operators download.
import type { Config } from '../config/schema.js';
import type { Ticket } from '../tickets/model.js';
import type { Period } from './period.js';
import { type SatisfactionSummary, satisfactionText } from './satisfaction.js';

export interface Report {
  readonly id: string;
  readonly kind: Period['kind'] | 'monev';
  readonly label: string;
  readonly agency?: string;
  readonly from: Date;
  readonly to: Date;
  readonly total: number;
  readonly byStatus: Record<string, number>;
  readonly byCategory: Record<string, number>;
  readonly byAgency: Record<string, number>;
  readonly byChannel: Record<string, number>;
  /** Share of tickets that got their first response in time, of those whose deadline has come. */
  readonly firstResponseCompliance: { readonly met: number; readonly missed: number; readonly percent: number | null };
  readonly overdue: readonly { number: string; agency?: string; status: string; breaches: string[] }[];
  /** The ratings given in the period (satisfaction.ts); absent in reports stored before there were ratings. */
  readonly satisfaction?: SatisfactionSummary;
}

const count = (values: readonly string[]) => values.reduce<Record<string, number>>((acc, v) => ({ ...acc, [v]: (acc[v] ?? 0) + 1 }), {});

export function buildReport(id: string, kind: Report['kind'], period: Pick<Period, 'label' | 'from' | 'to'>, created: readonly Ticket[], open: readonly Ticket[], sla: Config['sla'], agency?: string): Report {
  const routed = created.filter((t) => t.agency !== undefined);
  const met = routed.filter((t) => t.firstRespondedAt !== undefined && t.firstRespondedAt.getTime() - t.createdAt.getTime() <= sla.firstResponse).length;
  const missed = routed.filter((t) => t.slaBreaches?.some((b) => b.kind === 'firstResponse')).length;
  return {
    id,
    kind,
    label: period.label,
    ...(agency ? { agency } : {}),
    from: period.from,
    to: period.to,
    total: created.length,
    byStatus: count(created.map((t) => t.status)),
    byCategory: count(created.map((t) => t.category)),
    byAgency: count(created.map((t) => t.agency ?? t.forwardedTo ?? '-')),
    byChannel: count(created.map((t) => t.channel)),
    firstResponseCompliance: { met, missed, percent: met + missed === 0 ? null : Math.round((met / (met + missed)) * 1_000) / 10 },
    overdue: open
      .filter((t) => (t.status === 'open' || t.status === 'in_progress') && (t.slaBreaches?.length ?? 0) > 0)
      .map((t) => ({ number: t.number, ...(t.agency ? { agency: t.agency } : {}), status: t.status, breaches: (t.slaBreaches ?? []).map((b) => b.kind) })),
  };
}

export const CSV_COLUMNS = ['number', 'created_at', 'channel', 'category', 'agency', 'status', 'first_response_at', 'resolved_at', 'closed_at', 'close_reason', 'sla_breaches', 'satisfaction'] as const;

export function ticketsCsv(tickets: readonly Ticket[]): string {
  const iso = (d: Date | undefined) => d?.toISOString() ?? '';
  const rows = tickets.map((t) => [t.number, iso(t.createdAt), t.channel, t.category, t.agency ?? t.forwardedTo ?? '', t.status, iso(t.firstRespondedAt), iso(t.resolvedAt), iso(t.closedAt), t.closeReason ?? '', (t.slaBreaches ?? []).map((b) => b.kind).join(' '), t.satisfaction ? String(t.satisfaction.score) : '']);
  return [CSV_COLUMNS, ...rows].map((row) => row.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

export function csvCell(value: string): string {
  // Quote when needed, and defuse spreadsheet formulas.
  const safe = /^[=+\-@]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function reportText(report: Report, config: Pick<Config, 'categories' | 'agencies' | 'city'>): string {
  const name = (code: string) => config.categories.find((c) => c.code === code)?.name.id ?? config.agencies.find((a) => a.code === code)?.name ?? code;
  const lines = (counts: Record<string, number>) => Object.entries(counts).sort((a, b) => b[1] - a[1]).map(([k, v]) => `  ${name(k)}: ${String(v)}`).join('\n') || '  -';
  const c = report.firstResponseCompliance;
  return [
    `Laporan ${report.kind === 'daily' ? 'harian' : report.kind === 'monthly' ? 'bulanan' : 'monitoring dan evaluasi (monev)'} ${report.label} — ${config.city.name}`,
    `Tiket masuk: ${String(report.total)}`,
    `Menurut status:\n${lines(report.byStatus)}`,
    `Menurut kategori:\n${lines(report.byCategory)}`,
    `Menurut perangkat daerah:\n${lines(report.byAgency)}`,
    `Menurut kanal:\n${lines(report.byChannel)}`,
    `Kepatuhan tanggapan 1×24 jam: ${c.percent === null ? '-' : `${String(c.percent)}%`} (tepat waktu ${String(c.met)}, terlambat ${String(c.missed)})`,
    `Tiket melewati batas waktu: ${String(report.overdue.length)}${report.overdue.map((o) => `\n  ${o.number} (${o.agency ?? '-'}, ${o.status})`).join('')}`,
    ...(report.satisfaction ? [satisfactionText(report.satisfaction, name)] : []),
    'Rincian per tiket terlampir (CSV).',
  ].join('\n\n');
}
