// The field types of the configuration: durations and sizes written for
// people (`24h`, `10MB`) carried inward as numbers, cron expressions, codes,
// clock times and calendar days, texts per language. schema.ts composes them.
import cron from 'node-cron';
import { z } from 'zod';
import { parseDuration, parseSize } from './units.js';

export const duration = z
  .union([z.string(), z.number()], { error: 'expected a duration like 90s, 15m, 24h or 7d' })
  .transform((value, ctx) => {
    const ms = typeof value === 'number' ? undefined : parseDuration(value);
    if (ms === undefined) {
      ctx.addIssue({ code: 'custom', message: `expected a duration like 90s, 15m, 24h or 7d, got ${JSON.stringify(value)}` });
      return z.NEVER;
    }
    return ms;
  });

export const size = z
  .union([z.string(), z.number()], { error: 'expected a size like 512KB or 10MB' })
  .transform((value, ctx) => {
    const bytes = typeof value === 'number' ? (Number.isInteger(value) && value > 0 ? value : undefined) : parseSize(value);
    if (bytes === undefined) {
      ctx.addIssue({ code: 'custom', message: `expected a size like 512KB or 10MB, got ${JSON.stringify(value)}` });
      return z.NEVER;
    }
    return bytes;
  });

export const cronExpression = z.string({ error: 'expected a cron expression like "*/5 * * * *"' }).refine(
  (value) => cron.validate(value),
  { error: (issue) => `expected a cron expression (5 or 6 fields), got ${JSON.stringify(issue.input)}` },
);

export const code = z
  .string({ error: 'expected a code' })
  .regex(/^[A-Za-z0-9_-]+$/, 'expected a code of letters, digits, "-" or "_"');

export const email = z.email({ error: 'expected an email address' });

/** "HH:MM", 00:00–24:00. */
const CLOCK_TIME = /^(?:[01]\d|2[0-3]):[0-5]\d$|^24:00$/;
const clockTime = z
  .string()
  .regex(CLOCK_TIME, { error: (issue) => `expected a time of day like "08:00", got ${JSON.stringify(issue.input)}` });

/** "YYYY-MM-DD", a day that exists. */
const calendarDay = z.string().refine(
  (value) => {
    const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
    if (!m) return false;
    const d = new Date(Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3])));
    return d.getUTCFullYear() === Number(m[1]) && d.getUTCMonth() === Number(m[2]) - 1 && d.getUTCDate() === Number(m[3]);
  },
  { error: (issue) => `expected a date like "2026-12-25", got ${JSON.stringify(issue.input)}` },
);

/** SLA deadlines in clock time (as before, also when absent) or in working days, hours and holidays (issue 15, item 2). */
export const slaCalendar = z
  .strictObject({
    mode: z.enum(['clock', 'working'], { error: 'expected "clock" or "working"' }),
    /** ISO weekdays: 1 = Monday … 7 = Sunday. */
    workingDays: z
      .array(z.number({ error: 'expected a weekday number 1 (Monday) … 7 (Sunday)' }).int().min(1, 'expected a weekday number 1 (Monday) … 7 (Sunday)').max(7, 'expected a weekday number 1 (Monday) … 7 (Sunday)'))
      .min(1, 'expected at least one working day'),
    hours: z
      .strictObject({ start: clockTime, end: clockTime })
      // Compared only when both are well-formed "HH:MM" (each bad one has its own message).
      .refine((h) => !CLOCK_TIME.test(h.start) || !CLOCK_TIME.test(h.end) || h.start < h.end, { error: 'expected hours.start before hours.end, e.g. { start: "08:00", end: "16:00" }' }),
    holidays: z.array(calendarDay).default([]),
  });

export const localizedText = z.strictObject({ id: z.string().min(1), en: z.string().min(1).optional() }, { error: 'expected texts per language, e.g. {id: ..., en: ...}' });

/** A WhatsApp message template approved by Meta: its name and language code (`id`, `en_US`). */
export const waTemplate = z.strictObject({ name: z.string().min(1), language: z.string().min(2) });
