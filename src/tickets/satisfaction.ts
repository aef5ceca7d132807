// Who gave a ticket's satisfaction rating: the reporter, or a citizen who
// follows the ticket (README, "Satisfaction"). Pure, like the rest of tickets/.
import type { Channel, Satisfaction, Ticket } from './model.js';

export interface Rater {
  readonly channel: Channel;
  readonly channelUserId: string;
}

/**
 * `reporter` when the rater is the ticket's reporter (or nobody else it knows: a phone report whose
 * reporter answered on a chat channel), `follower:<channelUserId>` when they follow the ticket.
 */
export function raterOf(ticket: Pick<Ticket, 'channel' | 'reporter' | 'followers'>, rater: Rater): Satisfaction['by'] {
  if (ticket.channel === rater.channel && ticket.reporter.channelUserId === rater.channelUserId) return 'reporter';
  const follows = ticket.followers?.some((f) => f.channel === rater.channel && f.channelUserId === rater.channelUserId) ?? false;
  return follows ? `follower:${rater.channelUserId}` : 'reporter';
}

/** Only a ticket closed on a "yes, solved" is rated: an auto-closed or merged one was never asked. */
export const rateable = (ticket: Pick<Ticket, 'status' | 'closeReason'>): boolean => ticket.status === 'closed' && ticket.closeReason === 'confirmed';
