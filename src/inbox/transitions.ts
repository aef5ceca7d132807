// The transitions endpoint takes `to` as the status an operator wants, or
// as the action when a status is reached several ways; this picks the action.
import type { TicketStatus } from '../tickets/model.js';
import { TRANSITION_ACTIONS, type TransitionAction } from '../tickets/transitions.js';

const BY_TARGET: Readonly<Partial<Record<TicketStatus, (from: TicketStatus) => TransitionAction>>> = {
  open: () => 'route',
  in_progress: (from) => (from === 'open' ? 'respond' : 'reopen'),
  resolved: () => 'validate',
  forwarded: () => 'forward',
  rejected: () => 'reject',
};

export function resolveAction(to: string, from: TicketStatus): TransitionAction | undefined {
  if ((TRANSITION_ACTIONS as readonly string[]).includes(to)) return to as TransitionAction;
  return BY_TARGET[to as TicketStatus]?.(from);
}
