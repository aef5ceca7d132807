// Merging tickets and their followers (issue 16 item 2): an operator merges a
// ticket into another about the same problem (its reporter and followers then
// follow that one and are told its number) or splits a follower out again
// (their own ticket reopened, or a new one, and its number told). Both act once
// per Idempotency-Key, are audited, and complete on a repeat after a failure
// (tickets/merge.ts orders the writes; the notices are once-only by key).
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { mergedNotice, splitNotice } from '../../conversation/handlers/merge-notices.js';
import { statusUrl } from '../../public/link.js';
import { FollowerNotFoundError, TicketMerger } from '../../tickets/merge.js';
import { followerConversation as conversationOf, type FollowerStore } from '../../tickets/followers.js';
import type { Ticket } from '../../tickets/model.js';
import { reporterConversation } from '../../tickets/reporter.js';
import { visibleTicket } from '../access.js';
import { operatorOf, requireOperator } from '../auth/guard.js';
import { actorOf, canSee, type Operator } from '../auth/roles.js';
import type { InboxApp, InboxContext } from '../context.js';
import { detailFor } from '../detail.js';
import { refuse } from '../errors.js';
import { idempotent } from '../idempotency.js';
import { expectedVersion, ticketNumber, ticketParams } from '../schemas.js';

const mergeBody = z.strictObject({
  /** The ticket this one joins (the first report of the problem). */
  into: ticketNumber,
  /** The version of this ticket the operator saw: changed since, the merge is refused. */
  expectedVersion,
});
const splitBody = z.strictObject({ follower: z.string().min(1).max(300) });

export function followerRoutes(app: InboxApp, ctx: InboxContext, followers: FollowerStore): void {
  const merger = new TicketMerger(ctx.tickets, followers, ctx.clock);
  const guard = [requireOperator(ctx.authenticator, 'merge'), idempotent(ctx.idempotency)];
  const audit = (request: FastifyRequest, operator: Operator, action: string, ticket: string, detail: Record<string, unknown>) =>
    ctx.audit.record({ at: ctx.clock(), actor: `operator:${operator.username}`, action, ticket, detail, ip: request.ip });
  const replyWindow = () => new Date(ctx.clock().getTime() + ctx.config.inbox.replyWindow);
  const linkOf = async (ticket: Ticket) => statusUrl(ctx.config, { number: ticket.number, publicToken: await ctx.tickets.publicToken(ticket) });

  app.get('/api/tickets/:number/merge-candidates', { schema: { tags: ['tickets'], summary: "Open tickets of this one's category near its pin (duplicates.radius, duplicates.within) that it may be merged into, the nearest first", params: ticketParams }, preHandler: requireOperator(ctx.authenticator, 'merge') }, async (request) => {
    const operator = operatorOf(request);
    const ticket = await visibleTicket(ctx, operator, request.params.number);
    const found = await merger.candidates(ticket, { radiusMetres: ctx.config.duplicates.radius, withinMs: ctx.config.duplicates.within });
    const description = (text: string) => (text.length > 120 ? `${text.slice(0, 117)}…` : text);
    return {
      radius: ctx.config.duplicates.radius,
      candidates: found.filter((c) => canSee(operator, c)).map((c) => ({ number: c.number, status: c.status, agency: c.agency ?? null, description: description(c.description), createdAt: c.createdAt, citizens: 1 + (c.followerCount ?? 0), distance: c.distance })),
    };
  });

  app.post('/api/tickets/:number/merge', { schema: { tags: ['tickets'], summary: 'Merge this ticket into another about the same problem: closed as merged; its reporter and followers follow the other and are told its number', params: ticketParams, body: mergeBody }, preHandler: guard }, async (request) => {
    const operator = operatorOf(request);
    const source = await visibleTicket(ctx, operator, request.params.number);
    const target = await visibleTicket(ctx, operator, request.body.into);
    const { expectedVersion: version } = request.body;
    const merged = await merger.merge(source.number, target.number, { actor: actorOf(operator), ...(version === undefined ? {} : { expectedVersion: version }) });
    const citizens = 1 + (merged.target.followerCount ?? 0);
    // A failure here answers 500, which frees the Idempotency-Key: the operator's retry completes the merge and sends
    // what is still owed (each notice once, by its key).
    let notified = 0;
    const reporter = reporterConversation(merged.target);
    const link = await linkOf(merged.target);
    for (const follower of merged.moved) {
      const target = conversationOf(follower);
      if (!target) continue;
      const own = reporter?.channel === target.channel && reporter.channelUserId === target.channelUserId;
      await ctx.router.notify(target, mergedNotice(source.number, merged.target.number, citizens, replyWindow(), own, link), { key: `merge:${source.number}:${merged.target.number}`, ticketNumber: merged.target.number });
      notified++;
    }
    await audit(request, operator, 'merge', source.number, { into: merged.target.number, moved: merged.moved.length, notified });
    ctx.events.publish({ type: 'ticket', number: merged.target.number, status: merged.target.status, ...(merged.target.agency ? { agency: merged.target.agency } : {}), action: 'merge_in' });
    return { ticket: await detailFor(ctx, merged.source, operator), into: merged.target.number, citizens, moved: merged.moved.length, notified, unreachable: merged.moved.length - notified };
  });

  app.post('/api/tickets/:number/followers/split', { schema: { tags: ['tickets'], summary: 'Split a follower out of this ticket: the ticket they had opened reopens, or a new one is made from their report; they are told its number', params: ticketParams, body: splitBody }, preHandler: guard }, async (request, reply) => {
    const operator = operatorOf(request);
    const ticket = await visibleTicket(ctx, operator, request.params.number);
    let split;
    try {
      split = await merger.split(ticket.number, request.body.follower, { actor: actorOf(operator) });
    } catch (error) {
      if (error instanceof FollowerNotFoundError) return refuse(reply, 'follower_not_found');
      throw error;
    }
    const { own, follower, reopened } = split;
    const target = conversationOf(follower);
    if (target) await ctx.router.notify(target, splitNotice(ticket.number, own.number, reopened, replyWindow(), await linkOf(own)), { key: `split:${ticket.number}:${own.number}`, ticketNumber: own.number });
    await audit(request, operator, 'split_follower', ticket.number, { own: own.number, reopened, notified: target !== undefined });
    ctx.events.publish({ type: 'ticket', number: ticket.number, status: split.target.status, ...(split.target.agency ? { agency: split.target.agency } : {}), action: 'split_out' });
    return { ticket: await detailFor(ctx, split.target, operator), own: own.number, reopened, notified: target !== undefined };
  });
}
