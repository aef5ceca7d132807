// An agency's answer to its ticket notice (by email: how agency staff without
// inbox accounts respond). It came through the inbound log like every
// message, so a redelivered mail changes nothing twice. The first answer to
// an open ticket is the agency's first response ("Sedang Ditindaklanjuti");
// every answer joins the ticket's thread. The bot does not answer an agency.
import { IllegalTransitionError, TicketNotFoundError } from '../../tickets/errors.js';
import type { Ticket } from '../../tickets/model.js';
import type { Handler } from '../chain.js';

export const agencyReply: Handler = async (ctx, next) => {
  const { agency, replyTo, text } = ctx.message;
  if (agency === undefined) {
    await next();
    return;
  }
  const { tickets, logger } = ctx.services;
  let ticket: Ticket | undefined;
  try {
    ticket = replyTo ? await tickets.get(replyTo.ticketNumber) : undefined;
  } catch (error) {
    if (!(error instanceof TicketNotFoundError)) throw error;
  }
  if (!ticket) {
    ctx.setAside('an agency wrote about a ticket that does not exist');
    return;
  }
  let outcome = 'recorded';
  // Only the agency that holds the ticket can respond for it; an earlier agency's late reply is kept in the thread.
  if (ticket.status === 'open' && ticket.agency === agency) {
    try {
      await tickets.transition(ticket.number, 'respond', {}, { actor: `agency:${agency}/${ctx.message.channel}`, note: summary(text ?? '') });
      outcome = 'responded';
    } catch (error) {
      // Responded meanwhile (the inbox, an earlier mail, this one before a crash): the thread still gets it.
      if (!(error instanceof IllegalTransitionError)) throw error;
    }
  }
  ctx.linkTicket(ticket.number);
  logger.info({ ticket: ticket.number, agency, outcome }, 'agency reply');
};

function summary(text: string): string {
  const clean = text.replace(/\s+/g, ' ').trim();
  return clean === '' ? 'tanggapan melalui email' : clean.slice(0, 500);
}
