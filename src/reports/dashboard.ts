// The dashboard's figures over a date range, as pure functions of tickets:
// the range itself in the city's time zone (presets and custom dates), time
// to resolve (median, p90), the backlog per day and first-response compliance
// per agency over time. Counts and compliance come from buildReport.
import type { Config } from '../config/schema.js';
import type { Ticket } from '../tickets/model.js';
import { previousMonth, zonedMidnight } from './period.js';
import { buildReport } from './report.js';

export const RANGE_PRESETS = ['7d', '30d', 'this_month', 'last_month', 'custom'] as const;
export type RangePreset = (typeof RANGE_PRESETS)[number];

export interface DateRange {
  readonly preset: RangePreset;
  /** Calendar dates in the city's time zone, both included. */
  readonly fromDate: string;
  readonly toDate: string;
  readonly from: Date;
  /** Exclusive: local midnight after toDate. */
  readonly to: Date;
  /** One entry per calendar day, with its local midnight. */
  readonly days: readonly { date: string; start: Date; end: Date }[];
}

export const MAX_RANGE_DAYS = 366;
const pad = (n: number) => String(n).padStart(2, '0');

function localDate(at: Date, timeZone: string): { year: number; month: number; day: number } {
  const p = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(at);
  const get = (type: string) => Number(p.find((x) => x.type === type)?.value);
  return { year: get('year'), month: get('month'), day: get('day') };
}

/** A calendar date moved by `days` (UTC arithmetic on the date only). */
function shift(date: { year: number; month: number; day: number }, days: number): { year: number; month: number; day: number } {
  const d = new Date(Date.UTC(date.year, date.month - 1, date.day + days));
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate() };
}

const iso = (d: { year: number; month: number; day: number }) => `${String(d.year)}-${pad(d.month)}-${pad(d.day)}`;
const parseDate = (s: string) => {
  const [year, month, day] = s.split('-').map(Number) as [number, number, number];
  return { year, month, day };
};

/** The range for a preset (today included) or custom dates; null when custom dates are missing, reversed or longer than a year. */
export function resolveRange(preset: RangePreset, now: Date, timeZone: string, custom: { from?: string | undefined; to?: string | undefined } = {}): DateRange | null {
  const today = localDate(now, timeZone);
  let first: { year: number; month: number; day: number };
  let last = today;
  if (preset === '7d') first = shift(today, -6);
  else if (preset === '30d') first = shift(today, -29);
  else if (preset === 'this_month') first = { ...today, day: 1 };
  else if (preset === 'last_month') {
    const month = previousMonth(now, timeZone);
    first = parseDate(`${month.label}-01`);
    last = shift({ ...today, day: 1 }, -1);
  } else {
    if (!custom.from || !custom.to) return null;
    first = parseDate(custom.from);
    last = parseDate(custom.to);
  }
  const count = Math.round((Date.UTC(last.year, last.month - 1, last.day) - Date.UTC(first.year, first.month - 1, first.day)) / 86_400_000) + 1;
  if (count < 1 || count > MAX_RANGE_DAYS) return null;
  const days = Array.from({ length: count }, (_, i) => {
    const d = shift(first, i);
    const n = shift(first, i + 1);
    return { date: iso(d), start: zonedMidnight(d.year, d.month, d.day, timeZone), end: zonedMidnight(n.year, n.month, n.day, timeZone) };
  });
  const firstDay = days[0];
  const lastDay = days[days.length - 1];
  if (!firstDay || !lastDay) return null;
  return { preset, fromDate: firstDay.date, toDate: lastDay.date, from: firstDay.start, to: lastDay.end, days };
}

/** Median and 90th percentile (nearest rank) of the hours from creation to the agency's result, of the range's resolved tickets. */
export function timeToResolve(created: readonly Ticket[]): { count: number; medianHours: number | null; p90Hours: number | null } {
  const hours = created
    .flatMap((t) => (t.resolvedAt ? [(t.resolvedAt.getTime() - t.createdAt.getTime()) / 3_600_000] : []))
    .sort((a, b) => a - b);
  const rank = (p: number) => {
    const value = hours[Math.max(0, Math.ceil(p * hours.length) - 1)];
    return value === undefined ? null : Math.round(value * 10) / 10;
  };
  return { count: hours.length, medianHours: rank(0.5), p90Hours: rank(0.9) };
}

const WAITING = new Set(['open', 'in_progress']);

/** When a ticket stopped waiting on an agency (result in, closed, forwarded, rejected); undefined while it still waits. */
function finishedAt(t: Ticket): Date | undefined {
  if (WAITING.has(t.status)) return undefined;
  return t.resolvedAt ?? t.closedAt ?? t.updatedAt;
}

/** Tickets waiting on an agency (open or in progress) at the end of each day (or now, for today). */
export function backlogByDay(tickets: readonly Ticket[], range: DateRange, now: Date): { date: string; open: number }[] {
  const unique = [...new Map(tickets.map((t) => [t.number, t])).values()];
  return range.days.filter((d) => d.start <= now).map((d) => {
    const at = d.end < now ? d.end : now;
    const open = unique.filter((t) => t.createdAt < at && (finishedAt(t) ?? Infinity) >= at).length;
    return { date: d.date, open };
  });
}

/** First-response compliance per agency in buckets of a day (ranges up to 14 days) or of 7 days. */
export function complianceOverTime(created: readonly Ticket[], range: DateRange, sla: Config['sla']): { buckets: { from: string; to: string }[]; agencies: Record<string, (number | null)[]> } {
  const size = range.days.length <= 14 ? 1 : 7;
  const buckets: { from: string; to: string; start: Date; end: Date }[] = [];
  for (let i = 0; i < range.days.length; i += size) {
    const first = range.days[i];
    const last = range.days[Math.min(i + size, range.days.length) - 1];
    if (first && last) buckets.push({ from: first.date, to: last.date, start: first.start, end: last.end });
  }
  const agencies = [...new Set(created.flatMap((t) => (t.agency ? [t.agency] : [])))].sort();
  return {
    buckets: buckets.map(({ from, to }) => ({ from, to })),
    agencies: Object.fromEntries(agencies.map((agency) => [agency, buckets.map((b) => {
      const tickets = created.filter((t) => t.agency === agency && t.createdAt >= b.start && t.createdAt < b.end);
      return buildReport('', 'daily', { label: '', from: b.start, to: b.end }, tickets, [], sla).firstResponseCompliance.percent;
    })])),
  };
}
