// The inputs of the GeoReport v2 API, validated at the boundary: the form of
// a new request and the query of the requests list. Everything arrives as
// text; unknown fields (device_id, attribute[…], a client's extensions) are
// ignored, as the spec lets a server do.
import { z } from 'zod';

const text = (max: number) => z.string().trim().max(max).optional().transform((v) => (v === '' ? undefined : v));
const coordinate = (min: number, max: number) =>
  z.string().trim().optional().transform((v, ctx) => {
    if (v === undefined || v === '') return undefined;
    const n = Number(v);
    if (!Number.isFinite(n) || n < min || n > max) {
      ctx.addIssue({ code: 'custom', message: `must be a number from ${String(min)} to ${String(max)}` });
      return z.NEVER;
    }
    return n;
  });

/** The form of `POST requests` (api_key is checked before this, jurisdiction_id accepted and not needed). */
export const newRequestForm = z
  .object({
    service_code: z.string().trim().min(1, 'is required').max(64),
    lat: coordinate(-90, 90),
    long: coordinate(-180, 180),
    address_string: text(500),
    address_id: text(200),
    email: z.union([z.email().max(254), z.literal('')]).optional().transform((v) => (v ? v.toLowerCase() : undefined)),
    first_name: text(60),
    last_name: text(60),
    phone: text(30),
    description: text(4_000),
    media_url: z.union([z.url({ protocol: /^https?$/ }).max(2_000), z.literal('')]).optional().transform((v) => (v === '' ? undefined : v)),
  })
  .refine((f) => (f.lat === undefined) === (f.long === undefined), { message: 'lat and long go together', path: ['lat'] });

export type NewRequestForm = z.output<typeof newRequestForm>;

const list = (max: number) => z.string().trim().max(max).optional().transform((v) => (v ? [...new Set(v.split(',').map((s) => s.trim()).filter(Boolean))] : undefined));

/** W3C datetime (a date, or a date and time with a zone). */
const w3cDate = z
  .string()
  .trim()
  .optional()
  .transform((v, ctx) => {
    if (v === undefined || v === '') return undefined;
    const date = /^\d{4}-\d{2}-\d{2}$/.test(v) ? new Date(`${v}T00:00:00Z`) : /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})$/.test(v) ? new Date(v) : undefined;
    if (!date || Number.isNaN(date.getTime())) {
      ctx.addIssue({ code: 'custom', message: 'must be a W3C datetime such as 2026-12-01T08:00:00+07:00' });
      return z.NEVER;
    }
    return date;
  });

export const requestsQuery = z.object({
  service_request_id: list(2_000),
  service_code: list(1_000),
  start_date: w3cDate,
  end_date: w3cDate,
  status: list(20).pipe(z.array(z.enum(['open', 'closed'])).optional()),
  /** Not in the spec: the language of service names and notes (the city's by default). */
  locale: z.enum(['id', 'en']).optional(),
});

export const localeQuery = z.object({ locale: z.enum(['id', 'en']).optional() });

/** A zod failure as the spec's error descriptions, one per field ("lat: must be a number …"). */
export const describeIssues = (error: z.ZodError): string[] => error.issues.map((i) => `${i.path.join('.') || 'request'}: ${i.message}`);
