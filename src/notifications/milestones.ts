// Telling the reporter (and the ticket's followers), each on their own channel, each milestone of their ticket
// (README, "Kept informed"). The transition that reaches a milestone sets
// `due.milestone` in its own update, so the message is owed even if the
// process dies right after it. It is sent at once by the instance that made
// the transition (the fast path, so the reporter hears within a second) and
// otherwise by the `milestones` job: either takes the deadline as a lease,
// notifies under the key `milestone:<kind>:<number>:v<version>` (the
// conversation sends nothing for a key it has had), and clears it. The next
// transition clears an unsent milestone: the reporter then hears the newer one
// (or the confirmation question) instead of old news.
import type { Config } from '../config/schema.js';
import { milestoneNotice } from '../conversation/handlers/milestones.js';
import type { ConversationRouter } from '../conversation/router.js';
import type { Logger } from '../observability/logger.js';
import { statusUrl } from '../public/link.js';
import { notifyAudience } from './audience.js';
import type { MilestoneKind, Ticket, TicketStatus } from '../tickets/model.js';
import { dueKey, type TicketService } from '../tickets/service.js';
import { MILESTONES, milestoneOf, TRANSITIONS, type TransitionAction } from '../tickets/transitions.js';

export interface MilestoneDeps {
  readonly tickets: TicketService;
  readonly router: ConversationRouter;
  readonly config: Pick<Config, 'agencies' | 'forwarding' | 'milestones' | 'public' | 'server'>;
  readonly logger: Logger;
}

/** Where a ticket stands while its milestone is owed: the status its milestone transition leads to. */
const OWED_IN: readonly TicketStatus[] = [...new Set((Object.keys(MILESTONES) as TransitionAction[]).map((action) => TRANSITIONS[action].to))];

/** Sends every milestone that is owed (the job: what a crash left unsent). Returns how many people (reporters, followers) were told. */
export async function sendDueMilestones(deps: MilestoneDeps): Promise<number> {
  let told = 0;
  for (const status of OWED_IN) {
    await deps.tickets.takeEachDue('milestone', status, async (ticket) => {
      told += await tell(deps, ticket);
    });
  }
  return told;
}

/** Sends one ticket's milestone right away, if it is owed and nobody else is sending it; true when someone was told. */
export async function sendMilestone(deps: MilestoneDeps, number: string, status: TicketStatus): Promise<boolean> {
  let told = 0;
  await deps.tickets.takeDue(number, 'milestone', status, async (ticket) => {
    told = await tell(deps, ticket);
  });
  return told > 0;
}

/** The fast path: right after a transition that reached a milestone, this instance tells the reporter. */
export function keepReportersInformed(deps: MilestoneDeps): void {
  deps.tickets.onEvent((event) => {
    if (event.type !== 'transition' || event.ticket.due.milestone === undefined) return;
    sendMilestone(deps, event.ticket.number, event.ticket.status).catch((error: unknown) => {
      // The deadline stays on the ticket: the job sends it when the lease ends.
      deps.logger.warn({ err: error, ticket: event.ticket.number }, 'milestone message not sent yet');
    });
  });
}

/**
 * Notifies the reporter and the followers of a ticket whose milestone deadline was taken; how many were told (0:
 * switched off, nobody with a conversation, all told before).
 */
async function tell(deps: MilestoneDeps, ticket: Ticket): Promise<number> {
  const kind = milestoneOf(ticket);
  if (kind === undefined || !deps.config.milestones[kind]) return 0;
  const link = statusUrl(deps.config, { number: ticket.number, publicToken: await deps.tickets.publicToken(ticket) });
  const notice = milestoneNotice(kind, { number: ticket.number, ...names(deps.config, kind, ticket), ...(link ? { statusUrl: link } : {}) });
  return notifyAudience(deps.router, ticket, notice, { key: dueKey(`milestone:${kind}`, ticket), ticketNumber: ticket.number });
}

function names(config: MilestoneDeps['config'], kind: MilestoneKind, ticket: Ticket): { agency?: string; channel?: string; url?: string } {
  if (kind === 'forwarded') {
    const channel = ticket.forwardedTo === undefined ? undefined : config.forwarding[ticket.forwardedTo];
    return { channel: channel?.name ?? ticket.forwardedTo ?? '', url: channel?.url ?? '' };
  }
  return { agency: config.agencies.find((a) => a.code === ticket.agency)?.name ?? ticket.agency ?? '' };
}
