// A reply in a ticket's thread (an email answering our mail about it) joins
// that ticket for the operators to read, whatever else is going on; the
// person is told so. Only the ticket's own reporter can add to it.
import type { Handler } from '../chain.js';
import { ownTicket } from '../ticket-lookup.js';

export const threadReply: Handler = async (ctx, next) => {
  const number = ctx.command === undefined ? ctx.message.replyTo?.ticketNumber : undefined;
  const ticket = number === undefined ? undefined : await ownTicket(ctx, number);
  if (!ticket) {
    await next();
    return;
  }
  ctx.linkTicket(ticket.number);
  ctx.reply({ text: ctx.t('thread.recorded', { number: ticket.number }) });
};
