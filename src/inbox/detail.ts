// One ticket as its viewer sees it, with what the pure view needs from the
// database: the thread and the people named in it.
import type { Ticket } from '../tickets/model.js';
import type { Operator } from './auth/roles.js';
import type { InboxContext } from './context.js';
import { peopleOf } from './people.js';
import { ticketDetail } from './views.js';

const THREAD_LIMIT = 1_000;

export async function detailFor(ctx: InboxContext, ticket: Ticket, operator: Operator) {
  const thread = await ctx.inbox.thread(ticket, THREAD_LIMIT);
  const actors = [...ticket.history.map((h) => h.actor), ...(ticket.notes ?? []).map((n) => n.author), ...thread.map((m) => m.author ?? ''), ...(ticket.result ? [ticket.result.by] : []), ...(ticket.owner ? [`operator:${ticket.owner}`] : [])];
  return { ...ticketDetail(ticket, thread, operator, ctx.clock()), people: await peopleOf(ctx.operators, actors) };
}
