// SLA deadlines in working time (issue 15, item 2): pure, no database.
import { describe, expect, it } from 'vitest';
import { addSlaTime, type SlaCalendar, workingSpan } from '../../src/tickets/calendar.js';
import { defaultConfig } from '../support/config.js';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const JAKARTA = 'Asia/Jakarta';
/** A moment written as WIB wall-clock time (UTC+7). */
const wib = (local: string): Date => new Date(`${local}+07:00`);

const office: SlaCalendar = { mode: 'working', workingDays: [1, 2, 3, 4, 5], hours: { start: '08:00', end: '16:00' }, holidays: [] };
/** The shipped holidays (2026 SKB), in working mode. */
const shipped = (): SlaCalendar => {
  const calendar = defaultConfig().sla.calendar;
  if (!calendar) throw new Error('the shipped configuration has no sla.calendar');
  return { ...calendar, mode: 'working' };
};

describe('addSlaTime in working mode: 24h = one working day (08:00–16:00 = 8 working hours)', () => {
  it('a 24h span is one working day, and a share of it the same share', () => {
    expect(workingSpan(24 * HOUR, office)).toBe(8 * HOUR);
    expect(workingSpan(3 * DAY, office)).toBe(24 * HOUR);
    expect(workingSpan(0.75 * 24 * HOUR, office)).toBe(6 * HOUR);
  });

  it('a report on Friday afternoon is due on Monday at the same time; its reminder on Monday morning', () => {
    const friday = wib('2026-11-27T14:00:00');
    expect(addSlaTime(friday, 24 * HOUR, office, JAKARTA)).toEqual(wib('2026-11-30T14:00:00'));
    expect(addSlaTime(friday, 0.75 * 24 * HOUR, office, JAKARTA)).toEqual(wib('2026-11-30T12:00:00'));
    expect(addSlaTime(friday, 3 * DAY, office, JAKARTA)).toEqual(wib('2026-12-02T14:00:00'));
  });

  it('a report on the eve of the Nyepi and Idul Fitri holidays and cuti bersama waits for them (shipped 2026 list)', () => {
    const calendar = shipped();
    // Tue 17 March 2026, 10:00: 6 hours that day; 18 (cuti Nyepi), 19 (Nyepi), 20 (cuti Idul Fitri), 21–22 (Idul Fitri,
    // weekend), 23–24 (cuti Idul Fitri) are not worked; the last 2 hours on Wednesday 25 March.
    const eve = wib('2026-03-17T10:00:00');
    expect(addSlaTime(eve, 24 * HOUR, calendar, JAKARTA)).toEqual(wib('2026-03-25T10:00:00'));
    expect(addSlaTime(eve, 3 * DAY, calendar, JAKARTA)).toEqual(wib('2026-03-27T10:00:00'));
    // A report on the holiday itself (Nyepi, Thursday afternoon): counting starts on the next working morning.
    expect(addSlaTime(wib('2026-03-19T15:00:00'), 24 * HOUR, calendar, JAKARTA)).toEqual(wib('2026-03-25T16:00:00'));
  });

  it('counts across a year end (cuti bersama and Natal, then New Year)', () => {
    const calendar = shipped();
    // Wed 23 Dec 2026 15:00: 1 hour; 24 (cuti Natal), 25 (Natal), 26–27 (weekend) off; 7 hours on Mon 28 Dec.
    expect(addSlaTime(wib('2026-12-23T15:00:00'), 24 * HOUR, calendar, JAKARTA)).toEqual(wib('2026-12-28T15:00:00'));
    // Thu 31 Dec 2026 10:00: 6 hours; 1 Jan 2027 (Tahun Baru) and the weekend off; 2 hours on Mon 4 Jan 2027.
    const withOnlyNewYear: SlaCalendar = { ...office, holidays: ['2027-01-01'] };
    expect(addSlaTime(wib('2026-12-31T10:00:00'), 24 * HOUR, withOnlyNewYear, JAKARTA)).toEqual(wib('2027-01-04T10:00:00'));
    expect(addSlaTime(wib('2026-12-31T10:00:00'), 3 * DAY, withOnlyNewYear, JAKARTA)).toEqual(wib('2027-01-06T10:00:00'));
  });

  it('a report outside working hours starts counting the next working morning', () => {
    // Saturday evening → Monday 08:00 + 8 h.
    expect(addSlaTime(wib('2026-11-28T20:00:00'), 24 * HOUR, office, JAKARTA)).toEqual(wib('2026-11-30T16:00:00'));
    // Before opening on a weekday: the same day from 08:00.
    expect(addSlaTime(wib('2026-11-24T06:30:00'), 24 * HOUR, office, JAKARTA)).toEqual(wib('2026-11-24T16:00:00'));
    // After closing: the next day from 08:00; the reminder at 75 % of that day.
    expect(addSlaTime(wib('2026-11-24T17:00:00'), 24 * HOUR, office, JAKARTA)).toEqual(wib('2026-11-25T16:00:00'));
    expect(addSlaTime(wib('2026-11-24T17:00:00'), 0.75 * 24 * HOUR, office, JAKARTA)).toEqual(wib('2026-11-25T14:00:00'));
    // Midnight between two days (local), and the first minute after closing.
    expect(addSlaTime(wib('2026-11-25T00:00:00'), 12 * HOUR, office, JAKARTA)).toEqual(wib('2026-11-25T12:00:00'));
    expect(addSlaTime(wib('2026-11-24T16:00:00'), 12 * HOUR, office, JAKARTA)).toEqual(wib('2026-11-25T12:00:00'));
  });

  it('honours other working days (a six-day week)', () => {
    const sixDays: SlaCalendar = { ...office, workingDays: [1, 2, 3, 4, 5, 6] };
    expect(addSlaTime(wib('2026-11-27T14:00:00'), 24 * HOUR, sixDays, JAKARTA)).toEqual(wib('2026-11-28T14:00:00'));
  });

  it('Asia/Jakarta has no daylight saving: working hours are 01:00–09:00 UTC all year', () => {
    for (const month of ['01', '04', '07', '10']) {
      const late = new Date(`2026-${month}-06T08:00:00Z`); // 15:00 WIB: one hour left that day, seven the next
      const due = addSlaTime(late, 24 * HOUR, { ...office, workingDays: [1, 2, 3, 4, 5, 6, 7] }, JAKARTA);
      expect(due.toISOString()).toBe(`2026-${month}-07T08:00:00.000Z`);
    }
  });

  it('keeps local office hours in a zone with daylight saving (Europe/Berlin, clocks forward on 29 March 2026)', () => {
    const friday = new Date('2026-03-27T13:00:00Z'); // 14:00 CET
    expect(addSlaTime(friday, 24 * HOUR, office, 'Europe/Berlin')).toEqual(new Date('2026-03-30T12:00:00Z')); // 14:00 CEST
  });

  it('refuses a calendar with no working day instead of looping', () => {
    expect(() => addSlaTime(wib('2026-11-24T10:00:00'), 24 * HOUR, { ...office, workingDays: [] }, JAKARTA)).toThrow(/no working day/);
  });
});

describe('addSlaTime in clock mode (the default): unchanged', () => {
  const clock: SlaCalendar = { ...office, mode: 'clock', holidays: ['2026-11-30'] };
  it('adds the duration as it is, on weekends, at night and on holidays', () => {
    for (const start of [wib('2026-11-27T14:00:00'), wib('2026-11-28T20:00:00'), wib('2026-11-30T03:00:00')]) {
      expect(addSlaTime(start, 24 * HOUR, clock, JAKARTA)).toEqual(new Date(start.getTime() + 24 * HOUR));
      expect(addSlaTime(start, 18 * HOUR, undefined, JAKARTA)).toEqual(new Date(start.getTime() + 18 * HOUR));
    }
  });

  it('the shipped configuration counts in clock time', () => {
    expect(defaultConfig().sla.calendar?.mode).toBe('clock');
  });
});
