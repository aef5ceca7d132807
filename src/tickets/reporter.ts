// Where the bot can write to a ticket's reporter: the conversation on the
// channel the complaint came by. Phone and walk-in complaints have none; an
// operator calls those reporters back.
import type { Channel, Ticket } from './model.js';

/** Channels with a conversation the bot can write to. */
const CONVERSATION_CHANNELS: ReadonlySet<Channel> = new Set(['whatsapp', 'telegram', 'email', 'webchat']);

export interface ReporterConversation {
  readonly channel: Channel;
  readonly channelUserId: string;
}

/**
 * The reporter's conversation, or undefined for a phone or walk-in complaint (or one without the reporter's id).
 * An Open311 request has no conversation of its own: its reporter is written to by email, when the city app gave
 * their address and the email channel was on (src/open311/intake.ts sets `channelUserId` to the address then).
 */
export function reporterConversation(ticket: Pick<Ticket, 'channel' | 'reporter'>): ReporterConversation | undefined {
  const { channelUserId } = ticket.reporter;
  if (ticket.channel === 'open311') return channelUserId ? { channel: 'email', channelUserId } : undefined;
  return CONVERSATION_CHANNELS.has(ticket.channel) && channelUserId ? { channel: ticket.channel, channelUserId } : undefined;
}

/**
 * Everyone the bot tells about a ticket: its reporter and its followers (citizens who reported the same problem and
 * joined it), each once, those without a conversation left out. Milestones and the confirmation question go to each
 * under the same once-only key: the key is kept per conversation, so it keeps each person's copy once.
 */
export function ticketAudience(ticket: Pick<Ticket, 'channel' | 'reporter' | 'followers'>): ReporterConversation[] {
  const audience: ReporterConversation[] = [];
  const add = (target: ReporterConversation | undefined) => {
    if (target && !audience.some((a) => a.channel === target.channel && a.channelUserId === target.channelUserId)) audience.push(target);
  };
  add(reporterConversation(ticket));
  for (const follower of ticket.followers ?? []) add(reporterConversation({ channel: follower.channel, reporter: { ...(follower.channelUserId ? { channelUserId: follower.channelUserId } : {}) } }));
  return audience;
}
