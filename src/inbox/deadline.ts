// The agency's running deadline as the inbox shows it: when it ends and how it
// stands — on time, due soon (less than a quarter of its span left) or overdue.
import type { RunningDeadline, Ticket } from '../tickets/model.js';
import { isOverdue } from './overdue.js';

export type DeadlineState = 'on_time' | 'due_soon' | 'overdue';

/** The share of a deadline's span under which it counts as due soon (issue 15: "< 25 % left"). */
export const DUE_SOON_SHARE = 0.25;

export interface DeadlineView {
  readonly kind: RunningDeadline['kind'];
  readonly start: Date | null;
  readonly at: Date;
  readonly state: DeadlineState;
}

type Source = Pick<Ticket, 'status' | 'due' | 'slaBreaches' | 'deadline'>;

/** Tickets stored before `deadline` existed: their pending `due` moment, without a start. */
function legacy(ticket: Source): RunningDeadline | undefined {
  if (ticket.status === 'open' && ticket.due.firstResponse) return { kind: 'firstResponse', start: ticket.due.firstResponse, at: ticket.due.firstResponse };
  if (ticket.status === 'in_progress' && ticket.due.followUp) return { kind: 'followUp', start: ticket.due.followUp, at: ticket.due.followUp };
  return undefined;
}

export function deadlineView(ticket: Source, now: Date): DeadlineView | null {
  // Only the agency's stages have a running target; later ones wait for the central operator or the reporter.
  if (ticket.status !== 'open' && ticket.status !== 'in_progress') return null;
  const deadline = ticket.deadline ?? legacy(ticket);
  if (!deadline) return null;
  const start = deadline.start.getTime() < deadline.at.getTime() ? deadline.start : null;
  const left = deadline.at.getTime() - now.getTime();
  const state: DeadlineState = left <= 0 || isOverdue(ticket, now) ? 'overdue' : start && left < DUE_SOON_SHARE * (deadline.at.getTime() - start.getTime()) ? 'due_soon' : 'on_time';
  return { kind: deadline.kind, start, at: deadline.at, state };
}
