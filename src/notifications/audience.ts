// One notice to everyone who hears about a ticket: its reporter and its
// followers (tickets/reporter.ts, ticketAudience), each on their own channel.
import type { Notice } from '../conversation/context.js';
import type { ConversationRouter, NotifyOptions } from '../conversation/router.js';
import type { Ticket } from '../tickets/model.js';
import { ticketAudience } from '../tickets/reporter.js';

/**
 * Sends `notice` to each person of the ticket's audience under the same once-only key (kept per conversation);
 * returns how many were told now. One person's failure does not keep the others from theirs: the first error is
 * thrown afterwards, so the caller's deadline comes due again, and those told already are skipped by the key.
 */
export async function notifyAudience(router: Pick<ConversationRouter, 'notify'>, ticket: Pick<Ticket, 'channel' | 'reporter' | 'followers'>, notice: Notice, options: NotifyOptions): Promise<number> {
  let told = 0;
  let failure: { error: unknown } | undefined;
  for (const target of ticketAudience(ticket)) {
    try {
      if ((await router.notify(target, notice, options)).length > 0) told++;
    } catch (error) {
      failure ??= { error };
    }
  }
  if (failure) throw failure.error;
  return told;
}
