// The confirmation cycle of the SOP (Surabaya steps 12–15): when a ticket is
// resolved the reporter is told the result and asked to confirm; without an
// answer a second notice follows, and then the ticket is closed with reason
// `no_confirmation` and the reporter told. Each notice is tied to taking a
// deadline off the ticket atomically, so two schedulers send it once.
import type { ConversationRouter } from '../../conversation/router.js';
import type { Config } from '../../config/schema.js';
import type { Logger } from '../../observability/logger.js';
import { TicketError } from '../../tickets/errors.js';
import type { Ticket } from '../../tickets/model.js';
import type { TicketService } from '../../tickets/service.js';

export interface ConfirmationDeps {
  readonly tickets: TicketService;
  readonly router: ConversationRouter;
  readonly config: Pick<Config, 'agencies' | 'sla'>;
  readonly logger: Logger;
}

const reporterOf = (ticket: Ticket) =>
  ticket.reporter.channelUserId && ['whatsapp', 'telegram', 'email', 'webchat'].includes(ticket.channel)
    ? { channel: ticket.channel, channelUserId: ticket.reporter.channelUserId }
    : undefined;

/** Asks the reporter of every newly resolved ticket to confirm. */
export async function askForConfirmation({ tickets, router, config }: ConfirmationDeps): Promise<number> {
  let sent = 0;
  await tickets.takeEachDue('confirmationRequest', 'resolved', async (ticket) => {
    const target = reporterOf(ticket);
    if (!target) return;
    const agency = config.agencies.find((a) => a.code === ticket.agency)?.name ?? ticket.agency ?? '';
    await router.notify(target, (state) => ({
      state: { ...state, pendingConfirmation: ticket.number },
      replies: [
        ...(ticket.result?.attachments ?? []).map((photo) => ({ text: '', photo })),
        { text: router.text(state, 'confirmation.ask', { number: ticket.number, agency, result: ticket.result?.text ?? '' }), choices: [{ value: 'yes', label: router.text(state, 'yes') }, { value: 'no', label: router.text(state, 'no') }] },
      ],
    }));
    sent++;
  });
  return sent;
}

/** The second notice, for reporters who have not answered. */
export async function remindToConfirm({ tickets, router, config }: ConfirmationDeps): Promise<number> {
  let sent = 0;
  await tickets.takeEachDue('confirmationReminder', 'resolved', async (ticket) => {
    const target = reporterOf(ticket);
    if (!target) return;
    const days = Math.max(1, Math.round(config.sla.closeAfterReminder / 86_400_000));
    await router.notify(target, (state) => ({
      state: { ...state, pendingConfirmation: ticket.number },
      replies: [{ text: router.text(state, 'confirmation.reminder', { number: ticket.number, days }), choices: [{ value: 'yes', label: router.text(state, 'yes') }, { value: 'no', label: router.text(state, 'no') }] }],
    }));
    sent++;
  });
  return sent;
}

/** Closes resolved tickets nobody confirmed, and tells the reporter. */
export async function closeUnconfirmed({ tickets, router, logger }: ConfirmationDeps): Promise<number> {
  let closed = 0;
  for (const due of await tickets.due('autoClose', 'resolved')) {
    let ticket: Ticket;
    try {
      ticket = await tickets.transition(due.number, 'closeNoConfirmation', {}, { actor: 'system:auto-close' });
    } catch (error) {
      // Confirmed, reopened or closed by another instance meanwhile.
      if (!(error instanceof TicketError)) throw error;
      logger.debug({ ticket: due.number, reason: error.code }, 'auto-close skipped');
      continue;
    }
    closed++;
    const target = reporterOf(ticket);
    if (!target) continue;
    await router.notify(target, (state) => {
      const { pendingConfirmation, ...rest } = state;
      return { state: pendingConfirmation === ticket.number ? rest : state, replies: [{ text: router.text(state, 'confirmation.auto_closed', { number: ticket.number }) }] };
    });
  }
  return closed;
}
