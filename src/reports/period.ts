// Calendar periods in the city's time zone: "yesterday" and "last month" as
// instants, so a report at 07:00 WIB covers the WIB day, not the UTC one.

export interface Period {
  readonly kind: 'daily' | 'monthly';
  /** 2026-11-24 or 2026-11 */
  readonly label: string;
  readonly from: Date;
  readonly to: Date;
}

function parts(at: Date, timeZone: string): { year: number; month: number; day: number } {
  const p = new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).formatToParts(at);
  const get = (type: string) => Number(p.find((x) => x.type === type)?.value);
  return { year: get('year'), month: get('month'), day: get('day') };
}

/** The instant of local midnight on a calendar date in the time zone. */
export function zonedMidnight(year: number, month: number, day: number, timeZone: string): Date {
  const guess = new Date(Date.UTC(year, month - 1, day));
  const offset = new Intl.DateTimeFormat('en', { timeZone, timeZoneName: 'longOffset' }).formatToParts(guess).find((p) => p.type === 'timeZoneName')?.value ?? 'GMT';
  const match = /GMT([+-])(\d{2}):(\d{2})/.exec(offset);
  const minutes = match ? (match[1] === '-' ? -1 : 1) * (Number(match[2]) * 60 + Number(match[3])) : 0;
  return new Date(guess.getTime() - minutes * 60_000);
}

const pad = (n: number) => String(n).padStart(2, '0');

export function previousDay(now: Date, timeZone: string): Period {
  const today = parts(now, timeZone);
  const to = zonedMidnight(today.year, today.month, today.day, timeZone);
  const y = parts(new Date(to.getTime() - 12 * 3_600_000), timeZone);
  return { kind: 'daily', label: `${String(y.year)}-${pad(y.month)}-${pad(y.day)}`, from: zonedMidnight(y.year, y.month, y.day, timeZone), to };
}

export function previousMonth(now: Date, timeZone: string): Period {
  const today = parts(now, timeZone);
  const to = zonedMidnight(today.year, today.month, 1, timeZone);
  const year = today.month === 1 ? today.year - 1 : today.year;
  const month = today.month === 1 ? 12 : today.month - 1;
  return { kind: 'monthly', label: `${String(year)}-${pad(month)}`, from: zonedMidnight(year, month, 1, timeZone), to };
}
