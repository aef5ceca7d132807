// The confirmation cycle of the SOP (Surabaya steps 12–15): when a ticket is
// resolved the reporter is told the result and asked to confirm; without an
// answer a second notice follows, and then the ticket is closed with reason
// `no_confirmation` and the reporter told. Each notice hangs on a deadline of
// the ticket, taken as a lease and cleared once the notice is in the outbox;
// `router.notify` takes a key of the ticket's version and sends nothing for a
// key the conversation has already had, so a retry after a crash (or two
// schedulers at once) sends each notice once. The closing sets the deadline
// of its own notice (`due.closeNotice`) in the same update, so a crash right
// after it cannot lose the notice either. Each notice is marked with its kind
// and template parameters: outside WhatsApp's 24-hour window (a week after
// the report, typically) it goes as that kind's template. A reporter who
// answered "not solved" without a reason gets `conversation.reopenReasonTimeout`
// to give one; then the ticket reopens without it (`due.reopenReason`).
import { askConfirmation, closedUnconfirmed, reopenUnexplained, remindConfirmation } from '../../conversation/handlers/confirmation.js';
import { asLateNotice } from '../../conversation/notice-template.js';
import { notifyAudience } from '../../notifications/audience.js';
import type { ConversationRouter } from '../../conversation/router.js';
import type { Config } from '../../config/schema.js';
import type { Logger } from '../../observability/logger.js';
import { statusUrl } from '../../public/link.js';
import { TicketError } from '../../tickets/errors.js';
import type { Ticket } from '../../tickets/model.js';
import { dueKey, type TicketService } from '../../tickets/service.js';

export interface ConfirmationDeps {
  readonly tickets: TicketService;
  readonly router: ConversationRouter;
  readonly config: Pick<Config, 'agencies' | 'sla' | 'public' | 'server'>;
  readonly logger: Logger;
}

/** Asks the reporter (and the followers) of every newly resolved ticket to confirm; how many people were asked. */
export async function askForConfirmation({ tickets, router, config }: ConfirmationDeps): Promise<number> {
  let sent = 0;
  await tickets.takeEachDue('confirmationRequest', 'resolved', async (ticket) => {
    const agency = config.agencies.find((a) => a.code === ticket.agency)?.name ?? ticket.agency ?? '';
    const link = statusUrl(config, { number: ticket.number, publicToken: await tickets.publicToken(ticket) });
    const notice = asLateNotice(askConfirmation(ticket, agency, link), 'confirmationRequest', [ticket.number, agency, ticket.result?.text ?? '']);
    // In the ticket's thread: by email, only a reply in that thread answers the question (handlers/confirmation.ts).
    sent += await notifyAudience(router, ticket, notice, { key: dueKey('confirmationAsk', ticket), ticketNumber: ticket.number });
  });
  return sent;
}

/** The second notice, for those who have not answered (reporter and followers: whoever answers first decides). */
export async function remindToConfirm({ tickets, router, config }: ConfirmationDeps): Promise<number> {
  let sent = 0;
  await tickets.takeEachDue('confirmationReminder', 'resolved', async (ticket) => {
    const days = Math.max(1, Math.round(config.sla.closeAfterReminder / 86_400_000));
    const notice = asLateNotice(remindConfirmation(ticket, days), 'confirmationReminder', [ticket.number, days]);
    sent += await notifyAudience(router, ticket, notice, { key: dueKey('confirmationReminder', ticket), ticketNumber: ticket.number });
  });
  return sent;
}

/**
 * Reopens the tickets whose reporter said "not solved" and gave no reason in
 * time, with a note saying so. The reporter was told at the time that this
 * would happen, so nothing is sent; their conversation lets the wait go at
 * their next message.
 */
export async function reopenWithoutReason({ tickets, logger }: Pick<ConfirmationDeps, 'tickets' | 'logger'>): Promise<number> {
  let reopened = 0;
  for (const due of await tickets.due('reopenReason', 'resolved')) {
    if (await reopenUnexplained(tickets, due.number)) reopened++;
    else logger.debug({ ticket: due.number }, 'reopen without reason skipped');
  }
  return reopened;
}

/**
 * Closes resolved tickets nobody confirmed, and tells the reporter. Returns
 * the tickets closed plus the notices of earlier closings a crash left unsent.
 */
export async function closeUnconfirmed({ tickets, router, logger }: ConfirmationDeps): Promise<number> {
  const closedNow = new Set<string>();
  for (const due of await tickets.due('autoClose', 'resolved')) {
    try {
      await tickets.transition(due.number, 'closeNoConfirmation', {}, { actor: 'system:auto-close' });
    } catch (error) {
      // Confirmed, reopened or closed by another instance meanwhile.
      if (!(error instanceof TicketError)) throw error;
      logger.debug({ ticket: due.number, reason: error.code }, 'auto-close skipped');
      continue;
    }
    closedNow.add(due.number);
  }
  // The closing set `due.closeNotice`: tell the reporters of these tickets, and of any whose notice is still owed.
  let recovered = 0;
  await tickets.takeEachDue('closeNotice', 'closed', async (ticket: Ticket) => {
    const told = await notifyAudience(router, ticket, asLateNotice(closedUnconfirmed(ticket), 'autoClosed', [ticket.number]), { key: dueKey('autoClosed', ticket) });
    if (told > 0 && !closedNow.has(ticket.number)) recovered++;
  });
  return closedNow.size + recovered;
}
