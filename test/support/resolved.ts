// A ticket walked to `resolved` (taken up, result in, validated), the moment
// its reporter is asked "has the problem been solved?": for tests of what
// follows (the confirmation, the satisfaction question).
import type { Channel, Ticket } from '../../src/tickets/model.js';
import type { TicketService } from '../../src/tickets/service.js';

export async function resolvedTicket(tickets: TicketService, channel: Channel, channelUserId: string): Promise<Ticket> {
  const { number } = await tickets.create({ channel, reporter: { name: 'Rina', phone: '+6281234567890', channelUserId }, category: 'jalan_rusak', description: 'Jalan berlubang besar di depan Pasar Baru.' }, 'reporter');
  await tickets.transition(number, 'respond', {}, { actor: 'agency:DPUPR/budi' });
  await tickets.transition(number, 'submitResult', { text: 'Lubang sudah ditambal.', attachments: [] }, { actor: 'agency:DPUPR/budi' });
  return tickets.transition(number, 'validate', {}, { actor: 'operator:siti' });
}
