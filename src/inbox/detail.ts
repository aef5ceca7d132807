// One ticket as its viewer sees it, with what the pure view needs from the
// database: the thread and the people named in it. Every such read of the
// reporter's and followers' data is audited (`read_personal_data`, one entry
// per request, the fields shown, never their values).
import type { Ticket } from '../tickets/model.js';
import type { Operator } from './auth/roles.js';
import type { InboxContext } from './context.js';
import { fieldsRead, masksFor } from './masking.js';
import { peopleOf } from './people.js';
import { ticketDetail } from './views.js';

const THREAD_LIMIT = 1_000;

export async function detailFor(ctx: InboxContext, ticket: Ticket, operator: Operator) {
  const thread = await ctx.inbox.thread(ticket, THREAD_LIMIT);
  const actors = [...ticket.history.map((h) => h.actor), ...(ticket.notes ?? []).map((n) => n.author), ...thread.map((m) => m.author ?? ''), ...(ticket.result ? [ticket.result.by] : []), ...(ticket.owner ? [`operator:${ticket.owner}`] : [])];
  const masked = masksFor(ctx.config, operator);
  await auditRead(ctx, operator, 'detail', [ticket.number], fieldsRead(masked));
  return { ...ticketDetail(ticket, thread, operator, ctx.clock(), masked), people: await peopleOf(ctx.operators, actors) };
}

/** One audit entry for a response that carried people's data of these tickets (a page, a CSV: one entry, all numbers). */
export async function auditRead(ctx: Pick<InboxContext, 'audit' | 'clock'>, operator: Operator, via: 'detail' | 'list' | 'export' | 'reporter', tickets: readonly string[], fields: readonly string[], ip?: string): Promise<void> {
  if (tickets.length === 0) return;
  await ctx.audit.record({
    at: ctx.clock(),
    actor: `operator:${operator.username}`,
    action: 'read_personal_data',
    ...(tickets.length === 1 ? { ticket: tickets[0] } : {}),
    detail: { via, tickets: [...tickets], fields: [...fields] },
    ...(ip ? { ip } : {}),
  });
}
