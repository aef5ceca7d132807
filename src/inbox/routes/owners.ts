// Who works a ticket besides its agency: an operator takes it ("Ambil") or hands
// it to a colleague of the same agency (an admin: to an admin or to the ticket's
// agency). Each change is one conditional update on the owner the screen showed,
// so two operators taking one ticket at once cannot both have it.
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import type { Ticket } from '../../tickets/model.js';
import { visibleTicket } from '../access.js';
import { operatorOf, requireOperator } from '../auth/guard.js';
import { mayHandTo, mayOwn, type Operator } from '../auth/roles.js';
import type { InboxApp, InboxContext } from '../context.js';
import { detailFor } from '../detail.js';
import { refuse } from '../errors.js';
import { idempotent } from '../idempotency.js';
import { ticketParams, username } from '../schemas.js';

/** The owner the operator's screen showed (`null`: nobody); omitted, the change goes ahead whoever it is. */
const expectedOwner = username.nullable().optional();
const takeBody = z.strictObject({ expectedOwner });
const ownerBody = z.strictObject({ owner: username.nullable(), expectedOwner });

export function ownerRoutes(app: InboxApp, ctx: InboxContext): void {
  const guard = requireOperator(ctx.authenticator, 'own');
  const once = idempotent(ctx.idempotency);
  const candidates = async (giver: Operator, ticket: Ticket) =>
    (await ctx.operators.list())
      .filter((o) => !o.disabled && (o._id === giver.username ? mayOwn(o, ticket) : mayHandTo(giver, o, ticket)))
      .map((o) => ({ username: o._id, name: o.name, role: o.role, ...(o.agency ? { agency: o.agency } : {}) }));

  /** Sets the owner if it is still the one expected; the 409 names who has it now. */
  const change = async (request: FastifyRequest, operator: Operator, ticket: Ticket, owner: string | null, expected: string | null | undefined) => {
    const from = expected === undefined ? (ticket.owner ?? null) : expected;
    const updated = await ctx.inbox.setOwner(ticket.number, owner, from, ctx.clock());
    if (!updated) return { refused: (await ctx.tickets.get(ticket.number)).owner ?? null };
    const action = owner === null ? 'release' : owner === operator.username ? 'take' : 'hand_over';
    await ctx.audit.record({ at: ctx.clock(), actor: `operator:${operator.username}`, action, ticket: ticket.number, detail: { from, to: owner }, ip: request.ip });
    ctx.events.publish({ type: 'ticket', number: ticket.number, ...(ticket.agency ? { agency: ticket.agency } : {}), action: 'owner' });
    return { updated };
  };

  app.get('/api/tickets/:number/owners', { schema: { tags: ['tickets'], summary: 'Who may own this ticket: you (if you may) and the colleagues you may hand it to', params: ticketParams }, preHandler: guard }, async (request) => {
    const operator = operatorOf(request);
    const ticket = await visibleTicket(ctx, operator, request.params.number);
    return { owner: ticket.owner ?? null, candidates: await candidates(operator, ticket) };
  });

  app.post('/api/tickets/:number/take', { schema: { tags: ['tickets'], summary: 'Take the ticket ("Ambil"): you become its owner', params: ticketParams, body: takeBody }, preHandler: [guard, once] }, async (request, reply) => {
    const operator = operatorOf(request);
    const ticket = await visibleTicket(ctx, operator, request.params.number);
    if (!mayOwn(operator, ticket)) return refuse(reply, 'not_a_colleague', { username: operator.username });
    if (ticket.owner === operator.username) return detailFor(ctx, ticket, operator);
    const result = await change(request, operator, ticket, operator.username, request.body.expectedOwner);
    return result.updated ? detailFor(ctx, result.updated, operator) : refuse(reply, 'owned_by_other', { owner: result.refused });
  });

  app.post('/api/tickets/:number/owner', { schema: { tags: ['tickets'], summary: 'Hand the ticket to a colleague, or release it (`owner: null`)', params: ticketParams, body: ownerBody }, preHandler: [guard, once] }, async (request, reply) => {
    const operator = operatorOf(request);
    const ticket = await visibleTicket(ctx, operator, request.params.number);
    const { owner, expectedOwner: expected } = request.body;
    if (owner !== null) {
      const candidate = await ctx.operators.get(owner);
      const allowed = candidate !== null && !candidate.disabled && (owner === operator.username ? mayOwn(candidate, ticket) : mayHandTo(operator, candidate, ticket));
      if (!allowed) return refuse(reply, 'not_a_colleague', { username: owner });
    }
    const result = await change(request, operator, ticket, owner, expected);
    return result.updated ? detailFor(ctx, result.updated, operator) : refuse(reply, 'owned_by_other', { owner: result.refused });
  });
}
