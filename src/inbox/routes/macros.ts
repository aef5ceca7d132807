// Labels on a ticket and macros (a canned reply plus an action and labels).
// Labels are not a life-cycle step: adding or removing one leaves `version`
// alone. A macro checks everything it can before it acts: its action is tried
// first (role, status, the version the operator saw), so a refused action
// sends no reply and adds no label; then the reply goes out, then the labels.
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { operatorMessage } from '../../conversation/handlers/operator-chat.js';
import type { LabelStore } from '../../storage/label-store.js';
import { TicketNotFoundError } from '../../tickets/errors.js';
import type { TransitionInputs } from '../../tickets/transitions.js';
import { canTransition } from '../../tickets/transitions.js';
import { reporterConversation } from '../../tickets/reporter.js';
import { visibleTicket } from '../access.js';
import { operatorOf, requireOperator } from '../auth/guard.js';
import { actorOf, can, mayTransition, type Operator } from '../auth/roles.js';
import type { InboxApp, InboxContext } from '../context.js';
import { detailFor } from '../detail.js';
import { refuse } from '../errors.js';
import { idempotent } from '../idempotency.js';
import { fillReply, loadMacros, type Macro, macrosFileOf } from '../macros.js';
import { expectedVersion, ticketParams } from '../schemas.js';

const labelCode = z.string().regex(/^[a-z0-9_-]{1,40}$/);
const addBody = z.strictObject({ labels: z.array(labelCode).min(1).max(20) });
const labelParams = ticketParams.extend({ code: labelCode });
const macroParams = ticketParams.extend({ id: z.string().regex(/^[a-z0-9_-]{1,40}$/) });
const macroBody = z.strictObject({ expectedVersion });

/** Whether this operator may run the macro at all (its reply and its action), whatever the ticket's status. */
export const mayRunMacro = (operator: Operator, macro: Macro): boolean =>
  (macro.reply === undefined || can(operator, 'reply')) && (macro.action === undefined || mayTransition(operator, macro.action)) && (macro.labels.length === 0 || can(operator, 'note'));

export function macroRoutes(app: InboxApp, ctx: InboxContext, labels: LabelStore): void {
  const config = loadMacros(macrosFileOf(ctx.config.inbox.cannedFile));
  const known = new Set(config.labels.map((l) => l.code));
  const once = idempotent(ctx.idempotency);
  const audit = (request: FastifyRequest, operator: Operator, action: string, ticket: string, detail: Record<string, unknown>) =>
    ctx.audit.record({ at: ctx.clock(), actor: `operator:${operator.username}`, action, ticket, detail, ip: request.ip });
  const publish = (number: string, agency: string | undefined, action: string) => { ctx.events.publish({ type: 'ticket', number, ...(agency ? { agency } : {}), action }); };

  app.get('/api/macros', { schema: { tags: ['tickets'], summary: 'The configured labels, and the macros your role may run' }, preHandler: requireOperator(ctx.authenticator) }, (request) => {
    const operator = operatorOf(request);
    return { labels: config.labels, macros: config.macros.filter((m) => mayRunMacro(operator, m)), canLabel: can(operator, 'note') };
  });

  app.post('/api/tickets/:number/labels', { schema: { tags: ['tickets'], summary: 'Add labels (codes from config/macros.yaml); not a state change, the version stays', params: ticketParams, body: addBody }, preHandler: [requireOperator(ctx.authenticator, 'note'), once] }, async (request, reply) => {
    const operator = operatorOf(request);
    const unknown = request.body.labels.filter((l) => !known.has(l));
    if (unknown.length > 0) return refuse(reply, 'validation', { issues: [{ field: 'labels', problem: 'unknown', value: unknown.join(', ') }] });
    const ticket = await visibleTicket(ctx, operator, request.params.number);
    const now = ctx.clock();
    const after = await labels.add(ticket.number, request.body.labels, now);
    if (!after) throw new TicketNotFoundError(ticket.number);
    await audit(request, operator, 'label_add', ticket.number, { labels: request.body.labels.join(', ') });
    publish(ticket.number, ticket.agency, 'label');
    return { labels: after };
  });

  app.delete('/api/tickets/:number/labels/:code', { schema: { tags: ['tickets'], summary: 'Remove a label; not a state change, the version stays', params: labelParams }, preHandler: [requireOperator(ctx.authenticator, 'note'), once] }, async (request) => {
    const operator = operatorOf(request);
    const ticket = await visibleTicket(ctx, operator, request.params.number);
    const after = await labels.remove(ticket.number, request.params.code, ctx.clock());
    if (!after) throw new TicketNotFoundError(ticket.number);
    await audit(request, operator, 'label_remove', ticket.number, { labels: request.params.code });
    publish(ticket.number, ticket.agency, 'label');
    return { labels: after };
  });

  app.post('/api/tickets/:number/macros/:id', { schema: { tags: ['tickets'], summary: 'Run a macro: its action first (refused: nothing is sent), then its reply, then its labels', params: macroParams, body: macroBody }, preHandler: [requireOperator(ctx.authenticator), once] }, async (request, reply) => {
    const operator = operatorOf(request);
    const macro = config.macros.find((m) => m.id === request.params.id);
    if (!macro) return refuse(reply, 'not_found');
    if (!mayRunMacro(operator, macro)) return refuse(reply, 'forbidden', macro.action ? { action: macro.action } : {});
    const ticket = await visibleTicket(ctx, operator, request.params.number);
    const target = macro.reply ? reporterConversation(ticket) : undefined;
    if (macro.reply && !target) return refuse(reply, 'no_channel');
    const done: string[] = [];
    if (macro.action) {
      const action = macro.action;
      if (!canTransition(ticket.status, action)) return refuse(reply, 'transition_not_allowed', { action, status: ticket.status });
      const input = (action === 'forward' ? { forwardTo: Object.keys(ctx.config.forwarding)[0] ?? '' } : {}) as TransitionInputs[typeof action];
      const note = macro.note ?? macro.title.id;
      // Throws (stale version, a refusal) before anything was sent.
      const current = await ctx.tickets.transition(ticket.number, action, input, { actor: actorOf(operator), note, ...(request.body.expectedVersion === undefined ? {} : { expectedVersion: request.body.expectedVersion }) });
      await audit(request, operator, 'transition', ticket.number, { action, from: ticket.status, to: current.status, macro: macro.id });
      done.push('action');
    }
    if (macro.reply && target) {
      const until = new Date(ctx.clock().getTime() + ctx.config.inbox.replyWindow);
      const text = fillReply(macro.reply.id, ticket);
      const ids = await ctx.router.notify(target, operatorMessage(ticket.number, text, until), { ticketNumber: ticket.number, author: `operator:${operator.username}` });
      await audit(request, operator, 'reply', ticket.number, { messageId: ids[0] ?? null, length: text.length, macro: macro.id });
      ctx.events.publish({ type: 'reply', number: ticket.number, ...(ticket.agency ? { agency: ticket.agency } : {}) });
      done.push('reply');
    }
    if (macro.labels.length > 0) {
      await labels.add(ticket.number, macro.labels, ctx.clock());
      await audit(request, operator, 'label_add', ticket.number, { labels: macro.labels.join(', '), macro: macro.id });
      done.push('labels');
    }
    return { done, ticket: await detailFor(ctx, await ctx.tickets.get(ticket.number), operator) };
  });
}
