// The ticket list (filters, search, keyset pages), one ticket with its
// thread, and phone or walk-in complaints entered by an operator.
import { z } from 'zod';
import { normalisePhone } from '../../conversation/phone.js';
import { CHANNELS, TICKET_STATUSES } from '../../tickets/model.js';
import { visibleTicket } from '../access.js';
import { detailFor } from '../detail.js';
import { idempotent } from '../idempotency.js';
import { peopleOf } from '../people.js';
import { operatorOf, requireOperator } from '../auth/guard.js';
import { actorOf, agencyScope } from '../auth/roles.js';
import type { InboxApp, InboxContext } from '../context.js';
import { invalid, refuse } from '../errors.js';
import { code, ticketNumber, ticketParams } from '../schemas.js';
import { ticketSummary } from '../views.js';

const listQuery = z.strictObject({
  status: z.enum(TICKET_STATUSES).optional(),
  agency: code.optional(),
  category: code.optional(),
  channel: z.enum(CHANNELS).optional(),
  overdue: z.enum(['true', 'false']).optional(),
  /** `mine`: the tickets you own; `unassigned`: those nobody has taken; omitted: every ticket you may see. */
  queue: z.enum(['mine', 'unassigned']).optional(),
  /** `newest` (default), or `deadline`: tickets with a running deadline, the soonest first. */
  sort: z.enum(['newest', 'deadline']).default('newest'),
  q: z.string().trim().max(100).optional(),
  /** The `next` of the previous page. */
  cursor: z.string().max(200).optional(),
  limit: z.coerce.number().int().min(1).max(100).default(25),
});

// `s` names the order the cursor belongs to: a cursor of one order never continues the other.
const cursorSchema = z.object({ t: z.iso.datetime(), n: ticketNumber, s: z.enum(['newest', 'deadline']).default('newest') });

const encodeCursor = (at: Date, number: string, sort: 'newest' | 'deadline') => Buffer.from(JSON.stringify({ t: at.toISOString(), n: number, ...(sort === 'newest' ? {} : { s: sort }) })).toString('base64url');

function decodeCursor(cursor: string, sort: 'newest' | 'deadline'): { at: Date; number: string } | undefined {
  try {
    const parsed = cursorSchema.safeParse(JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8')));
    return parsed.success && parsed.data.s === sort ? { at: new Date(parsed.data.t), number: parsed.data.n } : undefined;
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
    const { status, agency, category, channel, overdue, q, queue, sort, cursor, limit } = request.query;
    const after = cursor === undefined ? undefined : decodeCursor(cursor, sort);
    if (cursor !== undefined && !after) return refuse(reply, 'bad_cursor');
    const scope = agencyScope(operator);
    // An agency operator asking for another agency's tickets gets none, not an error that confirms anything.
    if (scope !== undefined && agency !== undefined && agency !== scope) return { tickets: [], next: null, people: {} };
    const now = ctx.clock();
    const rows = await ctx.inbox.list(
      { ...(status ? { status } : {}), ...((scope ?? agency) ? { agency: scope ?? agency } : {}), ...(category ? { category } : {}), ...(channel ? { channel } : {}), ...(overdue ? { overdue: overdue === 'true' } : {}), ...(q ? { text: q } : {}), ...(queue ? { owner: queue === 'mine' ? operator.username : null } : {}), sort, ...(after ? { after } : {}), limit },
      now,
    );
    const page = rows.slice(0, limit);
    const last = page.at(-1);
    const cursorAt = (t: typeof last) => (sort === 'deadline' ? t?.deadline?.at : t?.createdAt);
    const nextAt = rows.length > limit ? cursorAt(last) : undefined;
    const people = await peopleOf(ctx.operators, page.flatMap((t) => (t.owner ? [`operator:${t.owner}`] : [])));
    return { tickets: page.map((t) => ticketSummary(t, now)), next: last && nextAt ? encodeCursor(nextAt, last.number, sort) : null, people };
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
