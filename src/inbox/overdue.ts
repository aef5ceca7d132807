// When a ticket counts as overdue in the inbox: a pending deadline of its
// current stage has passed, or that stage's target was already missed.
// The same rule as the list filter in src/storage/inbox-store.ts.
import type { Ticket } from '../tickets/model.js';

export function isOverdue(ticket: Pick<Ticket, 'status' | 'due' | 'slaBreaches'>, now: Date): boolean {
  const breached = (kind: 'firstResponse' | 'followUp') => ticket.slaBreaches?.some((b) => b.kind === kind) ?? false;
  if (ticket.status === 'open') return (ticket.due.firstResponse !== undefined && ticket.due.firstResponse <= now) || breached('firstResponse');
  if (ticket.status === 'in_progress') return (ticket.due.followUp !== undefined && ticket.due.followUp <= now) || breached('followUp');
  return false;
}
