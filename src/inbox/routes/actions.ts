// What operators do to a ticket: reply to the reporter through the bot, add
// an internal note, transfer it to another agency, move it through the life
// cycle. Each is checked against the role and recorded in the audit trail.
import type { FastifyRequest } from 'fastify';
import { operatorMessage } from '../../conversation/handlers/operator-chat.js';
import { z } from 'zod';
import { TicketNotFoundError } from '../../tickets/errors.js';
import type { Ticket } from '../../tickets/model.js';
import { reporterConversation } from '../../tickets/reporter.js';
import type { TransitionInputs } from '../../tickets/transitions.js';
import { visibleTicket } from '../access.js';
import { detailFor } from '../detail.js';
import { idempotent } from '../idempotency.js';
import { operatorOf, requireOperator } from '../auth/guard.js';
import { actorOf, mayTransition, type Operator } from '../auth/roles.js';
import type { InboxApp, InboxContext } from '../context.js';
import { refuse } from '../errors.js';
import { code, expectedVersion, messageText, note, ticketParams } from '../schemas.js';
import { resolveAction } from '../transitions.js';

const replyBody = z.strictObject({ text: messageText });
const noteBody = z.strictObject({ text: z.string().trim().min(1).max(4_000) });
const assignBody = z.strictObject({ agency: code, category: code.optional(), note, expectedVersion });
const transitionBody = z.strictObject({
  /** A status (`in_progress`, `resolved`, `forwarded`, `rejected`, `open`) or an action (`respond`, `submitResult`, `validate`, `returnToAgency`, `reopen`, `route`, `forward`, `reject`). */
  to: z.string().regex(/^[a-zA-Z_]{1,32}$/),
  note,
  expectedVersion,
  /** For `route`/`open`. */
  agency: code.optional(),
  category: code.optional(),
  /** For `forward`: a key of `forwarding` (default the first, SP4N-LAPOR!). */
  forwardTo: code.optional(),
  /** For `submitResult`: the agency's result (photos: POST …/result as multipart). */
  text: z.string().trim().max(4_000).optional(),
});

export function actionRoutes(app: InboxApp, ctx: InboxContext): void {
  const once = idempotent(ctx.idempotency);
  const audit = (request: FastifyRequest, operator: Operator, action: string, ticket: string, detail?: Record<string, unknown>) =>
    ctx.audit.record({ at: ctx.clock(), actor: `operator:${operator.username}`, action, ticket, ...(detail ? { detail } : {}), ip: request.ip });
  const detail = (ticket: Ticket, operator: Operator) => detailFor(ctx, ticket, operator);

  app.post('/api/tickets/:number/replies', { schema: { tags: ['tickets'], summary: 'Reply to the reporter on their own channel, through the outbox', params: ticketParams, body: replyBody }, preHandler: [requireOperator(ctx.authenticator, 'reply'), once] }, async (request, reply) => {
    const operator = operatorOf(request);
    const ticket = await visibleTicket(ctx, operator, request.params.number);
    const target = reporterConversation(ticket);
    if (!target) return refuse(reply, 'no_channel');
    const until = new Date(ctx.clock().getTime() + ctx.config.inbox.replyWindow);
    const ids = await ctx.router.notify(target, operatorMessage(ticket.number, request.body.text, until), { ticketNumber: ticket.number, author: `operator:${operator.username}` });
    // The text itself stays out of the audit trail: it is in the thread, and may hold personal data.
    await audit(request, operator, 'reply', ticket.number, { messageId: ids[0] ?? null, length: request.body.text.length });
    ctx.events.publish({ type: 'reply', number: ticket.number, ...(ticket.agency ? { agency: ticket.agency } : {}) });
    return reply.code(202).send({ id: ids[0] ?? null });
  });

  app.post('/api/tickets/:number/notes', { schema: { tags: ['tickets'], summary: 'An internal note, never sent to the reporter', params: ticketParams, body: noteBody }, preHandler: [requireOperator(ctx.authenticator, 'note'), once] }, async (request, reply) => {
    const operator = operatorOf(request);
    const ticket = await visibleTicket(ctx, operator, request.params.number);
    const at = ctx.clock();
    if (!(await ctx.inbox.addNote(ticket.number, { at, author: `operator:${operator.username}`, text: request.body.text }))) throw new TicketNotFoundError(ticket.number);
    await audit(request, operator, 'note', ticket.number);
    ctx.events.publish({ type: 'ticket', number: ticket.number, ...(ticket.agency ? { agency: ticket.agency } : {}), action: 'note' });
    return reply.code(201).send(await detail(await ctx.tickets.get(ticket.number), operator));
  });

  app.post('/api/tickets/:number/assign', { schema: { tags: ['tickets'], summary: 'Transfer to another agency (e.g. a wrong category)', params: ticketParams, body: assignBody }, preHandler: [requireOperator(ctx.authenticator, 'assign'), once] }, async (request) => {
    const operator = operatorOf(request);
    const { agency, category, note: text, expectedVersion: version } = request.body;
    const ticket = await visibleTicket(ctx, operator, request.params.number);
    const updated = await ctx.tickets.transition(ticket.number, 'route', { agency, ...(category ? { category } : {}) }, { actor: actorOf(operator), ...(text ? { note: text } : {}), ...(version === undefined ? {} : { expectedVersion: version }) });
    await audit(request, operator, 'assign', ticket.number, { from: ticket.agency ?? null, to: agency });
    return detail(updated, operator);
  });

  app.post('/api/tickets/:number/transitions', { schema: { tags: ['tickets'], summary: 'Move the ticket through its life cycle', params: ticketParams, body: transitionBody }, preHandler: [requireOperator(ctx.authenticator), once] }, async (request, reply) => {
    const operator = operatorOf(request);
    const body = request.body;
    const ticket = await visibleTicket(ctx, operator, request.params.number);
    const action = resolveAction(body.to, ticket.status);
    if (!action) return refuse(reply, 'unknown_action', { to: body.to });
    if (!mayTransition(operator, action)) return refuse(reply, 'forbidden', { action });
    let input: TransitionInputs[typeof action];
    if (action === 'route') {
      if (!body.agency) return refuse(reply, 'validation', { issues: [{ field: 'agency', problem: 'required' }] });
      input = { agency: body.agency, ...(body.category ? { category: body.category } : {}) };
    } else if (action === 'forward') {
      const forwardTo = body.forwardTo ?? Object.keys(ctx.config.forwarding)[0] ?? '';
      input = { forwardTo };
    } else if (action === 'submitResult') {
      input = { text: body.text ?? '' };
    } else {
      input = {};
    }
    const updated = await ctx.tickets.transition(ticket.number, action, input, { actor: actorOf(operator), ...(body.note ? { note: body.note } : {}), ...(body.expectedVersion === undefined ? {} : { expectedVersion: body.expectedVersion }) });
    await audit(request, operator, 'transition', ticket.number, { action, from: ticket.status, to: updated.status });
    return detail(updated, operator);
  });
}
