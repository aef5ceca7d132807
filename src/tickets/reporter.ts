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

/** The reporter's conversation, or undefined for a phone or walk-in complaint (or one without the reporter's id). */
export function reporterConversation(ticket: Pick<Ticket, 'channel' | 'reporter'>): ReporterConversation | undefined {
  const { channelUserId } = ticket.reporter;
  return CONVERSATION_CHANNELS.has(ticket.channel) && channelUserId ? { channel: ticket.channel, channelUserId } : undefined;
}
