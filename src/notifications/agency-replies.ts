// An agency's answer to its ticket notice, by email: this is how agency
// staff without inbox accounts respond. The first answer to an open ticket
// is the agency's first response ("Sedang Ditindaklanjuti"); every answer
// joins the ticket's thread. Redelivered mail changes nothing twice.
import type { Logger } from '../observability/logger.js';
import type { AgencyMessage, AgencyMessageLog } from '../storage/message-store.js';
import { IllegalTransitionError, TicketNotFoundError } from '../tickets/errors.js';
import type { TicketService } from '../tickets/service.js';

export type AgencyReplyOutcome = 'responded' | 'recorded' | 'duplicate' | 'unknown_ticket';

export class AgencyReplies {
  constructor(private readonly deps: { readonly tickets: TicketService; readonly log: AgencyMessageLog; readonly logger: Logger }) {}

  async record(reply: AgencyMessage): Promise<AgencyReplyOutcome> {
    const { tickets, log, logger } = this.deps;
    if (await log.has(reply.channel, reply.messageId)) return 'duplicate';
    let ticket;
    try {
      ticket = await tickets.get(reply.ticketNumber);
    } catch (error) {
      if (error instanceof TicketNotFoundError) return 'unknown_ticket';
      throw error;
    }
    let outcome: AgencyReplyOutcome = 'recorded';
    // Only the agency that holds the ticket can respond for it; an earlier agency's late reply is kept in the thread.
    if (ticket.status === 'open' && ticket.agency === reply.agency) {
      try {
        await tickets.transition(ticket.number, 'respond', {}, { actor: `agency:${reply.agency}/email`, note: summary(reply.text) });
        outcome = 'responded';
      } catch (error) {
        // Responded meanwhile (the inbox, a second mail): the thread still gets this one.
        if (!(error instanceof IllegalTransitionError)) throw error;
      }
    }
    // Recorded after the transition: a crash in between is repaired by the redelivery, which then only records.
    await log.record(reply);
    logger.info({ ticket: ticket.number, agency: reply.agency, outcome }, 'agency reply by email');
    return outcome;
  }
}

function summary(text: string): string {
  const clean = text.replace(/\s+/g, ' ').trim();
  return clean === '' ? 'tanggapan melalui email' : clean.slice(0, 500);
}
