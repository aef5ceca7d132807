// The line with a ticket's public status link (`{link}` in the messages about
// a ticket): the page shows its progress, the result and the photos an
// operator published, without personal data (src/public/).
import { statusUrl, type PublicLinkConfig } from '../public/link.js';
import type { Ticket } from '../tickets/model.js';
import type { TicketService } from '../tickets/service.js';

/** The link line for a ticket that has its token, else nothing (the message reads as before). */
export function statusLinkLine(config: PublicLinkConfig, ticket: Pick<Ticket, 'number' | 'publicToken'>, t: (key: string, vars: { url: string }) => string): string {
  const url = statusUrl(config, ticket);
  return url === undefined ? '' : t('status_link', { url });
}

/** The same for any ticket: one older than the status links gets its token first. */
export async function ensuredStatusLinkLine(tickets: Pick<TicketService, 'publicToken'>, config: PublicLinkConfig, ticket: Pick<Ticket, 'number' | 'publicToken'>, t: (key: string, vars: { url: string }) => string): Promise<string> {
  const publicToken = await tickets.publicToken(ticket);
  return statusLinkLine(config, { number: ticket.number, publicToken }, t);
}
