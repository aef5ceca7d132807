// Looking up a ticket for the person who asks: its status, told only to its
// own reporter (same channel account, or the same phone number), and whether
// a message answers a ticket of the sender's own.
import { TicketNotFoundError } from '../tickets/errors.js';
import type { Ticket } from '../tickets/model.js';
import { reporterConversation } from '../tickets/reporter.js';
import type { TurnContext } from './context.js';
import type { OutboundMessage } from './messages.js';
import { ensuredStatusLinkLine } from './status-link.js';

async function find(ctx: TurnContext, number: string): Promise<Ticket | undefined> {
  try {
    return await ctx.services.tickets.get(number);
  } catch (error) {
    if (error instanceof TicketNotFoundError) return undefined;
    throw error;
  }
}

/** The message comes from the ticket's reporter's conversation (for an Open311 request: their email). */
function isReporter(ticket: Ticket, ctx: TurnContext): boolean {
  const conversation = reporterConversation(ticket);
  return conversation?.channel === ctx.message.channel && conversation.channelUserId === ctx.message.channelUserId;
}

/** The ticket, when it exists and was reported from this very channel account. */
export async function ownTicket(ctx: TurnContext, number: string): Promise<Ticket | undefined> {
  const ticket = await find(ctx, number);
  return ticket && isReporter(ticket, ctx) ? ticket : undefined;
}

/** The status of a ticket, only when it is the asker's own. */
export async function statusReply(ctx: TurnContext, number: string): Promise<OutboundMessage> {
  const ticket = await find(ctx, number);
  const { state, message } = ctx;
  const knownPhones = [state.profile?.phone, ctx.known.phone].filter(Boolean);
  const own =
    ticket &&
    (isReporter(ticket, ctx) ||
      (ticket.reporter.phone !== undefined && knownPhones.includes(ticket.reporter.phone)) ||
      // A follower (a merged report's reporter, a nearby duplicate) was told this number to ask about.
      (ticket.followers ?? []).some((f) => f.channel === message.channel && f.channelUserId === message.channelUserId));
  if (!ticket || !own) return { text: ctx.t('status.not_found', { number }) };
  const { config } = ctx.services;
  const category = config.categories.find((c) => c.code === ticket.category);
  const agency = config.agencies.find((a) => a.code === ticket.agency);
  const date = new Intl.DateTimeFormat(state.locale === 'id' ? 'id-ID' : 'en-GB', { dateStyle: 'long', timeZone: config.city.timezone }).format(ticket.createdAt);
  return {
    text: ctx.t('status.found', {
      number: ticket.number,
      category: category ? (category.name[state.locale] ?? category.name.id) : ticket.category,
      date,
      status: ctx.t(`status.labels.${ticket.status}`),
      // A merged report says where its news is now, where the agency would stand.
      agency: ticket.closeReason === 'merged' && ticket.mergedInto ? ctx.t('status.merged', { number: ticket.mergedInto }) : agency ? ctx.t('status.agency', { agency: agency.name }) : '',
      link: await ensuredStatusLinkLine(ctx.services.tickets, config, ticket, (key, vars) => ctx.t(key, vars)),
    }),
  };
}
