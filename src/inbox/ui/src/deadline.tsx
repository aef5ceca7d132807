// The agency's running deadline, in colour and in words (never colour alone):
// "Sisa 18 jam", "Hampir habis: sisa 3 jam", "Terlambat 2 jam". The state is
// worked out again every minute from the deadline's start and end, so a list
// left open turns amber and red by itself; an overdue verdict of the server
// (a breach already recorded) stays.
import { useEffect, useState } from 'preact/hooks';
import { say, when } from './i18n.js';

export interface Deadline { kind: 'firstResponse' | 'followUp'; start: string | null; at: string; state: 'on_time' | 'due_soon' | 'overdue' }

/** The same share as the server's (src/inbox/deadline.ts). */
const DUE_SOON_SHARE = 0.25;
const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const DAY = 24 * HOUR;

const TEXTS = {
  on_time: ['Sisa {span}', '{span} left'],
  due_soon: ['Hampir habis: sisa {span}', 'Due soon: {span} left'],
  overdue: ['Terlambat {span}', 'Overdue by {span}'],
  overdueNow: ['Terlambat', 'Overdue'],
  minutes: ['{n} menit', '{n} min'],
  hours: ['{n} jam', '{n} h'],
  days: ['{n} hari', '{n} days'],
  firstResponse: ['Tanggapan pertama', 'First response'],
  followUp: ['Tindak lanjut', 'Follow-up'],
  until: ['{kind}: tenggat {at}', '{kind}: due {at}'],
} as const;

export function spanText(ms: number): string {
  if (ms < HOUR) return say(TEXTS.minutes, { n: Math.max(1, Math.round(ms / MINUTE)) });
  if (ms < 2 * DAY) return say(TEXTS.hours, { n: Math.round(ms / HOUR) });
  return say(TEXTS.days, { n: Math.round(ms / DAY) });
}

export function deadlineState(deadline: Deadline, now: number): Deadline['state'] {
  const at = Date.parse(deadline.at);
  const left = at - now;
  if (deadline.state === 'overdue' || left <= 0) return 'overdue';
  const start = deadline.start === null ? null : Date.parse(deadline.start);
  return start !== null && left < DUE_SOON_SHARE * (at - start) ? 'due_soon' : 'on_time';
}

export function deadlineText(deadline: Deadline, now: number): string {
  const state = deadlineState(deadline, now);
  const left = Date.parse(deadline.at) - now;
  if (state === 'overdue') return left < 0 ? say(TEXTS.overdue, { span: spanText(-left) }) : say(TEXTS.overdueNow);
  return say(TEXTS[state], { span: spanText(left) });
}

/** "Tanggapan pertama: tenggat 2 Des 2026, 14.00". */
export const deadlineTitle = (deadline: Deadline): string => say(TEXTS.until, { kind: say(TEXTS[deadline.kind]), at: when(deadline.at) });

function useMinute(): number {
  const [now, setNow] = useState(Date.now());
  useEffect(() => {
    const timer = setInterval(() => { setNow(Date.now()); }, MINUTE);
    return () => { clearInterval(timer); };
  }, []);
  return now;
}

export function DeadlineBadge({ deadline }: { deadline: Deadline | null }) {
  const now = useMinute();
  if (!deadline) return <span class="muted">—</span>;
  return <span class={`deadline dl-${deadlineState(deadline, now)}`} title={deadlineTitle(deadline)}>{deadlineText(deadline, now)}</span>;
}
