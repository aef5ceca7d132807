// SLA deadlines in clock time or in working time (issue 15, item 2). Pure: no clock, no I/O.
//
// The rule in `working` mode: every 24 hours of an SLA duration count as one working day, that is the
// hours from `hours.start` to `hours.end` of a day that is one of `workingDays` and not in `holidays`
// (national holidays and cuti bersama). "1×24 jam" is read the way Indonesian SOPs read it: one
// working day. Shorter or odd durations scale the same way (12h = half a working day, 0.75 × 24h =
// three quarters of one, 3d = three working days). The time is then added counting only working
// hours, in the city's time zone; a report that arrives outside working hours starts counting at the
// next working morning. Example with 08:00–16:00, Monday to Friday: a report on Friday at 14:00 with a
// 24h SLA is due on Monday at 14:00 (2 hours on Friday, 6 on Monday).
// `clock` mode (the default) adds the duration as it is, as before.

export type CalendarMode = 'clock' | 'working';

export interface SlaCalendar {
  readonly mode: CalendarMode;
  /** ISO weekdays: 1 = Monday … 7 = Sunday. */
  readonly workingDays: readonly number[];
  /** Local wall-clock times "HH:MM", start before end. */
  readonly hours: { readonly start: string; readonly end: string };
  /** Local calendar days "YYYY-MM-DD" that are not worked. */
  readonly holidays: readonly string[];
}

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const MINUTE = 60_000;

/** Minutes after midnight of "HH:MM". */
export function minutesOf(hhmm: string): number {
  const [h, m] = hhmm.split(':').map(Number);
  return (h ?? 0) * 60 + (m ?? 0);
}

interface LocalDay { year: number; month: number; day: number; weekday: number }

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(timeZone: string): Intl.DateTimeFormat {
  let f = formatters.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' });
    formatters.set(timeZone, f);
  }
  return f;
}

/** The zone's offset from UTC at a moment, in milliseconds. */
function offsetAt(at: Date, timeZone: string): number {
  const parts = Object.fromEntries(formatter(timeZone).formatToParts(at).map((p) => [p.type, p.value]));
  const asUtc = Date.UTC(Number(parts.year), Number(parts.month) - 1, Number(parts.day), Number(parts.hour), Number(parts.minute), Number(parts.second));
  return asUtc - Math.floor(at.getTime() / 1000) * 1000;
}

/** The moment a local wall-clock time happens (the later offset wins in a gap or overlap; Asia/Jakarta has neither). */
function atLocal(day: LocalDay, minutes: number, timeZone: string): Date {
  const wall = Date.UTC(day.year, day.month - 1, day.day) + minutes * MINUTE;
  let guess = wall - offsetAt(new Date(wall), timeZone);
  guess = wall - offsetAt(new Date(guess), timeZone);
  return new Date(guess);
}

function localDay(at: Date, timeZone: string): LocalDay {
  const local = new Date(at.getTime() + offsetAt(at, timeZone));
  const weekday = local.getUTCDay() === 0 ? 7 : local.getUTCDay();
  return { year: local.getUTCFullYear(), month: local.getUTCMonth() + 1, day: local.getUTCDate(), weekday };
}

function nextDay(day: LocalDay): LocalDay {
  const d = new Date(Date.UTC(day.year, day.month - 1, day.day + 1));
  return { year: d.getUTCFullYear(), month: d.getUTCMonth() + 1, day: d.getUTCDate(), weekday: day.weekday === 7 ? 1 : day.weekday + 1 };
}

const key = (day: LocalDay): string => `${String(day.year).padStart(4, '0')}-${String(day.month).padStart(2, '0')}-${String(day.day).padStart(2, '0')}`;

/** The working time an SLA duration stands for: 24 h of it is one working day. */
export function workingSpan(span: number, calendar: SlaCalendar): number {
  return Math.round((span / DAY) * (minutesOf(calendar.hours.end) - minutesOf(calendar.hours.start)) * MINUTE);
}

/** Ten years without a working day means the calendar is empty: stop rather than loop. */
const MAX_DAYS = 3_660;

/**
 * The moment an SLA duration (`span`, milliseconds as configured) that starts at `start` ends.
 * In `clock` mode (or without a calendar): `start + span`. In `working` mode: see the rule at the top.
 */
export function addSlaTime(start: Date, span: number, calendar: SlaCalendar | undefined, timeZone: string): Date {
  if (!calendar || calendar.mode === 'clock' || span <= 0) return new Date(start.getTime() + span);
  let remaining = workingSpan(span, calendar);
  const holidays = new Set(calendar.holidays);
  const open = minutesOf(calendar.hours.start);
  const close = minutesOf(calendar.hours.end);
  let day = localDay(start, timeZone);
  for (let i = 0; i < MAX_DAYS; i++, day = nextDay(day)) {
    if (!calendar.workingDays.includes(day.weekday) || holidays.has(key(day))) continue;
    const dayStart = atLocal(day, open, timeZone).getTime();
    const dayEnd = atLocal(day, close, timeZone).getTime();
    const from = Math.max(start.getTime(), dayStart);
    if (from >= dayEnd) continue;
    if (remaining <= dayEnd - from) return new Date(from + remaining);
    remaining -= dayEnd - from;
  }
  throw new Error('sla.calendar has no working day in ten years');
}
