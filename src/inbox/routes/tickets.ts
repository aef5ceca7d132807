// The ticket list (filters, search, keyset pages), one ticket with its
// thread, and phone or walk-in complaints entered by an operator.
import { z } from 'zod';
import { normalisePhone } from '../../conversation/phone.js';
import { CHANNELS, TICKET_STATUSES } from '../../tickets/model.js';
import { visibleTicket } from '../access.js';
import { auditRead, detailFor } from '../detail.js';
import { fieldsRead, maskPerson, masksFor } from '../masking.js';
import { idempotent } from '../idempotency.js';
import { peopleOf } from '../people.js';
import { operatorOf, requireOperator } from '../auth/guard.js';
import { actorOf, agencyScope } from '../auth/roles.js';
import type { InboxApp, InboxContext } from '../context.js';
import { invalid, refuse } from '../errors.js';
import { code, note, ticketNumber, ticketParams } from '../schemas.js';
import { ticketSummary } from '../views.js';
import { TICKET_SORTS, type TicketListItem, type TicketQuery, type TicketSort } from '../../storage/inbox-store.js';
import { ConcurrentUpdateError, IllegalTransitionError, InvalidTicketInputError, TicketNotFoundError } from '../../tickets/errors.js';
import { csvCell } from '../../reports/report.js';
import type { Operator } from '../auth/roles.js';

/** The filters of the list and of its CSV export, in the store's terms; undefined when the operator's scope leaves nothing. */
function filtersOf(operator: Operator, query: { status?: TicketQuery['status']; agency?: string; category?: string; channel?: TicketQuery['channel']; overdue?: 'true' | 'false'; q?: string; queue?: 'mine' | 'unassigned'; label?: string; sort: TicketSort }, masked: boolean): Omit<TicketQuery, 'limit'> | undefined {
  const { status, agency, category, channel, overdue, q, queue, label, sort } = query;
  const scope = agencyScope(operator);
  // An agency operator asking for another agency's tickets gets none, not an error that confirms anything.
  if (scope !== undefined && agency !== undefined && agency !== scope) return undefined;
  return { ...(status ? { status } : {}), ...((scope ?? agency) ? { agency: scope ?? agency } : {}), ...(category ? { category } : {}), ...(channel ? { channel } : {}), ...(overdue ? { overdue: overdue === 'true' } : {}), ...(q ? { text: q, ...(masked ? { personalSearch: false } : {}) } : {}), ...(queue ? { owner: queue === 'mine' ? operator.username : null } : {}), ...(label ? { label } : {}), sort };
}

const EXPORT_LIMIT = 5_000;
const EXPORT_COLUMNS = ['number', 'created_at', 'status', 'agency', 'category', 'channel', 'reporter_name', 'reporter_phone', 'reporter_email', 'reporter_address', 'location_address', 'latitude', 'longitude', 'description', 'deadline_at', 'owner'] as const;

function exportCsv(tickets: readonly TicketListItem[], masked: boolean): string {
  const rows = tickets.map((t) => ({ ...t, reporter: masked ? maskPerson(t.reporter) : t.reporter })).map((t) => [t.number, t.createdAt.toISOString(), t.status, t.agency ?? t.forwardedTo ?? '', t.category, t.channel, t.reporter.name ?? '', t.reporter.phone ?? '', t.reporter.email ?? '', t.reporter.address ?? '', t.location?.address ?? '', t.location?.latitude?.toString() ?? '', t.location?.longitude?.toString() ?? '', t.description, t.deadline?.at.toISOString() ?? '', t.owner ?? '']);
  return [EXPORT_COLUMNS, ...rows].map((row) => row.map(csvCell).join(',')).join('\r\n') + '\r\n';
}

/** The stable code of a refused transfer in a bulk action (the words are the UI's). */
function refusalCode(error: unknown): string {
  if (error instanceof ConcurrentUpdateError) return 'stale_version';
  if (error instanceof TicketNotFoundError) return 'ticket_not_found';
  if (error instanceof IllegalTransitionError) return error.reason ?? 'transition_not_allowed';
  if (error instanceof InvalidTicketInputError) return 'validation';
  throw error;
}

const bulkAssignBody = z.strictObject({
  agency: code,
  note,
  /** Each ticket with the version the operator saw: one changed meanwhile is refused, the others go on. */
  tickets: z.array(z.strictObject({ number: ticketNumber, expectedVersion: z.number().int().min(0) })).min(1).max(100),
});

const listQuery = z.strictObject({
  status: z.enum(TICKET_STATUSES).optional(),
  agency: code.optional(),
  category: code.optional(),
  channel: z.enum(CHANNELS).optional(),
  overdue: z.enum(['true', 'false']).optional(),
  /** `mine`: the tickets you own; `unassigned`: those nobody has taken; omitted: every ticket you may see. */
  queue: z.enum(['mine', 'unassigned']).optional(),
  /** A label's code (config/macros.yaml). */
  label: z.string().regex(/^[a-z0-9_-]{1,40}$/).optional(),
  /** `newest` (default); `deadline`: tickets with a running deadline, the soonest first; `status`, `agency`: by that code, newest first within it; `followers`: the most citizens first. */
  sort: z.enum(TICKET_SORTS).default('newest'),
  q: z.string().trim().max(100).optional(),
  /** The `next` of the previous page. */
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(25),
});

// `s` names the order the cursor belongs to: a cursor of one order never continues the other.
const cursorSchema = z.object({ t: z.iso.datetime(), n: ticketNumber, s: z.enum(TICKET_SORTS).default('newest'), v: z.string().max(40).optional() });

const encodeCursor = (at: Date, number: string, sort: TicketSort, value?: string) =>
  Buffer.from(JSON.stringify({ t: at.toISOString(), n: number, ...(sort === 'newest' ? {} : { s: sort }), ...(value === undefined ? {} : { v: value }) })).toString('base64url');

function decodeCursor(cursor: string, sort: TicketSort): { at: Date; number: string; value?: string } | undefined {
  try {
    const parsed = cursorSchema.safeParse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
    return parsed.success && parsed.data.s === sort ? { at: new Date(parsed.data.t), number: parsed.data.n, ...(parsed.data.v === undefined ? {} : { value: parsed.data.v }) } : undefined;
  } catch {
    return undefined;
  }
}

const optionalText = (max: number) => z.string().trim().max(max).optional();

const newComplaint = z.strictObject({
  channel: z.enum(['phone', 'walk_in']),
  reporter: z.strictObject({
    name: z.string().trim().min(1).max(120),
    phone: z.string().trim().max(30).optional(),
    email: z.email().optional(),
    address: optionalText(500),
  }),
  category: code,
  description: z.string().trim().min(1).max(4_000),
  location: z
    .strictObject({ latitude: z.number().min(-90).max(90).optional(), longitude: z.number().min(-180).max(180).optional(), address: optionalText(500) })
    .optional(),
});

export function ticketRoutes(app: InboxApp, ctx: InboxContext): void {
  const guard = requireOperator(ctx.authenticator);

  app.get('/api/tickets', { schema: { tags: ['tickets'], summary: 'Tickets, newest first, with filters and search; `next` continues the list', querystring: listQuery }, preHandler: guard }, async (request, reply) => {
    const operator = operatorOf(request);
    const { sort, cursor, limit } = request.query;
    const after = cursor === undefined ? undefined : decodeCursor(cursor, sort);
    if (cursor !== undefined && !after) return refuse(reply, 'bad_cursor');
    const masked = masksFor(ctx.config, operator);
    const filters = filtersOf(operator, request.query, masked);
    if (!filters) return { tickets: [], next: null, total: 0, people: {} };
    const now = ctx.clock();
    const [rows, total] = await Promise.all([ctx.inbox.list({ ...filters, ...(after ? { after } : {}), limit }, now), ctx.inbox.count({ ...filters, limit }, now)]);
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    const cursorAt = (t: typeof last) => (sort === 'deadline' ? t?.deadline?.at : t?.createdAt);
    const nextAt = rows.length > limit ? cursorAt(last) : undefined;
    const value = last && (sort === 'status' || sort === 'agency') ? (last[sort] ?? '') : last && sort === 'followers' ? (last.followerCount?.toString() ?? '') : undefined;
    const people = await peopleOf(ctx.operators, page.flatMap((t) => (t.owner ? [`operator:${t.owner}`] : [])));
    // A search finds people; browsing shows the names an operator meets on every ticket anyway (README "Personal data").
    if (request.query.q) await auditRead(ctx, operator, 'list', page.map((t) => t.number), ['name'], request.ip);
    return { tickets: page.map((t) => ({ ...ticketSummary(t, now), version: t.version })), next: last && nextAt ? encodeCursor(nextAt, last.number, sort, value) : null, total, people };
  });

  app.get('/api/tickets/export.csv', { schema: { tags: ['tickets'], summary: 'The filtered list as CSV (formula-safe), within the operator\'s scope; audited', querystring: listQuery.omit({ cursor: true, limit: true }) }, preHandler: guard }, async (request, reply) => {
    const operator = operatorOf(request);
    const masked = masksFor(ctx.config, operator);
    const filters = filtersOf(operator, request.query, masked);
    const now = ctx.clock();
    const rows = filters ? (await ctx.inbox.list({ ...filters, limit: EXPORT_LIMIT }, now)).slice(0, EXPORT_LIMIT) : [];
    const { sort: _sort, ...asked } = request.query;
    await ctx.audit.record({ at: now, actor: `operator:${operator.username}`, action: 'export_tickets', detail: { filters: asked, rows: rows.length, masked }, ip: request.ip });
    await auditRead(ctx, operator, 'export', rows.map((t) => t.number), fieldsRead(masked), request.ip);
    const stamp = now.toISOString().slice(0, 10);
    return reply
      .header('content-type', 'text/csv; charset=utf-8')
      .header('content-disposition', `attachment; filename="tiket-${stamp}.csv"`)
      .header('cache-control', 'no-store')
      .send(exportCsv(rows, masked));
  });

  app.post('/api/tickets/bulk/assign', { schema: { tags: ['tickets'], summary: 'Transfer several tickets to one agency, each through the normal transfer with its expectedVersion; which were done and which refused', body: bulkAssignBody }, preHandler: [requireOperator(ctx.authenticator, 'assign'), idempotent(ctx.idempotency)] }, async (request) => {
    const operator = operatorOf(request);
    const { agency, note: text, tickets } = request.body;
    const done: string[] = [];
    const refused: { number: string; code: string }[] = [];
    for (const { number, expectedVersion } of tickets) {
      try {
        const ticket = await visibleTicket(ctx, operator, number);
        await ctx.tickets.transition(ticket.number, 'route', { agency }, { actor: actorOf(operator), ...(text ? { note: text } : {}), expectedVersion });
        await ctx.audit.record({ at: ctx.clock(), actor: `operator:${operator.username}`, action: 'assign', ticket: ticket.number, detail: { from: ticket.agency ?? null, to: agency, bulk: true }, ip: request.ip });
        done.push(number);
      } catch (error) {
        refused.push({ number, code: refusalCode(error) });
      }
    }
    return { done, refused };
  });

  app.get('/api/tickets/:number', { schema: { tags: ['tickets'], summary: 'One ticket: details, conversation thread, photo URLs, history, notes, the actions open to you', params: ticketParams }, preHandler: guard }, async (request) => {
    const operator = operatorOf(request);
    const ticket = await visibleTicket(ctx, operator, request.params.number);
    return detailFor(ctx, ticket, operator);
  });

  app.post('/api/tickets', { schema: { tags: ['tickets'], summary: 'A complaint taken by phone or at the counter', body: newComplaint }, preHandler: [requireOperator(ctx.authenticator, 'create'), idempotent(ctx.idempotency)] }, async (request, reply) => {
    const operator = operatorOf(request);
    const { reporter, ...rest } = request.body;
    let phone: string | undefined;
    if (reporter.phone !== undefined && reporter.phone !== '') {
      phone = normalisePhone(reporter.phone);
      if (!phone) return invalid(reply, [{ field: 'reporter.phone', problem: 'phone' }]);
    }
    const ticket = await ctx.tickets.create({ ...rest, reporter: { ...reporter, ...(phone ? { phone } : {}) } }, actorOf(operator));
    await ctx.audit.record({ at: ctx.clock(), actor: `operator:${operator.username}`, action: 'create_ticket', ticket: ticket.number, detail: { channel: ticket.channel, category: ticket.category }, ip: request.ip });
    return reply.code(201).send(await detailFor(ctx, ticket, operator));
  });
}
