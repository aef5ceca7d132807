// Reading a ticket on an operator's behalf: one that is not theirs to see
// does not exist, so an agency operator cannot even learn that a number is taken.
import type { Ticket } from '../tickets/model.js';
import { TicketNotFoundError } from '../tickets/errors.js';
import { canSee, type Operator } from './auth/roles.js';
import type { InboxContext } from './context.js';

export async function visibleTicket(ctx: InboxContext, operator: Operator, number: string): Promise<Ticket> {
  const ticket = await ctx.tickets.get(number);
  if (!canSee(operator, ticket)) throw new TicketNotFoundError(number);
  return ticket;
}
