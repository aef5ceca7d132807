// The ticket life cycle of DESIGN.md as data: which action may run from which
// status, where it leads, and what it changes. `planTransition` is pure; the
// service applies its result as one conditional update.
import type { SlaConfig } from '../config/schema.js';
import { addSlaTime } from './calendar.js';
import { IllegalTransitionError } from './errors.js';
import { type Actor, type AgencyResult, type AttachmentRef, type CloseReason, type Due, DUE_FIELDS, type HistoryEntry, type MilestoneKind, type RunningDeadline, type Ticket, type TicketStatus } from './model.js';

export interface TransitionInputs {
  /** Send to another agency (also after a wrong category); the new agency gets a fresh response deadline. */
  route: { agency: string; category?: string };
  /** Outside the city's authority: handed to a national channel such as SP4N-LAPOR!. */
  forward: { forwardTo: string };
  reject: Record<string, never>;
  /** The agency's first response: "Sedang Ditindaklanjuti". */
  respond: Record<string, never>;
  /** The agency posts its follow-up result, to be validated by the central operator. */
  submitResult: { text: string; attachments?: AttachmentRef[] };
  /** The central operator accepts the agency's result: "Sudah Ditindaklanjuti". */
  validate: Record<string, never>;
  /** The central operator finds that the result misses the substance. */
  returnToAgency: Record<string, never>;
  confirm: Record<string, never>;
  /** The reporter says the problem is not solved, or an operator reopens a closed ticket. */
  reopen: Record<string, never>;
  closeNoConfirmation: Record<string, never>;
  /** The same problem as ticket `into`, whose followers its reporter joins (tickets/merge.ts): closed with reason `merged`. */
  merge: { into: string };
  /** A merged ticket's reporter split out of the other ticket again: it is their own ticket once more, from the start. */
  unmerge: { from: string };
}

export type TransitionAction = keyof TransitionInputs;

interface TransitionRule {
  readonly from: readonly TicketStatus[];
  readonly to: TicketStatus;
  readonly needsResult?: boolean;
  readonly needsNote?: boolean;
}

export const TRANSITIONS: Readonly<Record<TransitionAction, TransitionRule>> = {
  route: { from: ['open', 'in_progress'], to: 'open' },
  forward: { from: ['open'], to: 'forwarded' },
  reject: { from: ['open'], to: 'rejected', needsNote: true },
  respond: { from: ['open'], to: 'in_progress' },
  submitResult: { from: ['in_progress'], to: 'in_progress' },
  validate: { from: ['in_progress'], to: 'resolved', needsResult: true },
  returnToAgency: { from: ['in_progress'], to: 'in_progress', needsResult: true, needsNote: true },
  confirm: { from: ['resolved'], to: 'closed' },
  reopen: { from: ['resolved', 'closed'], to: 'in_progress', needsNote: true },
  closeNoConfirmation: { from: ['resolved'], to: 'closed' },
  // Only before the agency's result: a resolved ticket's reporter is being asked to confirm it, and that answer is theirs.
  merge: { from: ['open', 'in_progress'], to: 'closed' },
  unmerge: { from: ['closed'], to: 'open' },
};

export const TRANSITION_ACTIONS = Object.keys(TRANSITIONS) as TransitionAction[];

/**
 * The transitions the reporter hears about on their own channel, and as what. The others tell the
 * reporter themselves (validate: the confirmation question carries the result; confirm, reopen by the
 * reporter: the answer to their own message; closeNoConfirmation: its own notice) or are the city's
 * internal business (returnToAgency; reject and a reopen by an operator are left to the operator's reply).
 * `submitResult` says only that a result is in and being checked: its text waits for the validation,
 * since the central operator may still send it back.
 */
export const MILESTONES: Readonly<Partial<Record<TransitionAction, MilestoneKind>>> = {
  respond: 'takenUp',
  route: 'transferred',
  forward: 'forwarded',
  submitResult: 'resultReady',
};

/** The milestone a ticket's last transition reached. Its `due.milestone` lives only until the next transition, so this is the one owed. */
export function milestoneOf(ticket: Pick<Ticket, 'history'>): MilestoneKind | undefined {
  // Entries that are no step of the life cycle (a merged ticket's followers joining, one split out) leave the last step's milestone owed.
  const last = ticket.history.findLast((h) => h.action === 'create' || h.action in TRANSITIONS);
  return last ? MILESTONES[last.action as TransitionAction] : undefined;
}

/** Whether this transition is a milestone for the reporter: a transfer to the agency it already has (a category corrected) is not. */
function reachesMilestone<A extends TransitionAction>(ticket: Pick<Ticket, 'agency'>, action: A, input: TransitionInputs[A]): boolean {
  if (MILESTONES[action] === undefined) return false;
  return action !== 'route' || (input as TransitionInputs['route']).agency !== ticket.agency;
}

/** Dotted-path changes to one ticket, applied atomically with the expected status and version. */
export interface TicketChange {
  readonly status: TicketStatus;
  readonly set: Readonly<Record<string, unknown>>;
  readonly unset: readonly string[];
  readonly inc: Readonly<Record<string, number>>;
  readonly history: HistoryEntry;
}

export interface TransitionContext {
  readonly actor: Actor;
  readonly now: Date;
  readonly sla: SlaConfig;
  readonly note?: string;
  /** The city's time zone, for SLAs counted in working time (`sla.calendar`); Asia/Jakarta when absent. */
  readonly timeZone?: string;
}

export function canTransition(status: TicketStatus, action: TransitionAction): boolean {
  return TRANSITIONS[action].from.includes(status);
}

export function planTransition<A extends TransitionAction>(
  ticket: Pick<Ticket, 'number' | 'status' | 'result'> & Partial<Pick<Ticket, 'agency' | 'category' | 'closeReason'>>,
  action: A,
  input: TransitionInputs[A],
  ctx: TransitionContext,
): TicketChange {
  const rule = TRANSITIONS[action];
  if (!rule.from.includes(ticket.status)) throw new IllegalTransitionError(ticket.number, action, ticket.status);
  if (rule.needsResult === true && !ticket.result) {
    throw new IllegalTransitionError(ticket.number, action, ticket.status, 'result_missing');
  }
  if (rule.needsNote === true && !ctx.note?.trim()) {
    throw new IllegalTransitionError(ticket.number, action, ticket.status, 'note_required');
  }
  // Re-choosing the agency a ticket has would only throw away that agency's progress (issue 15): nothing to transfer.
  // A corrected category within the same agency is still a change.
  if (action === 'route') {
    const { agency, category } = input as TransitionInputs['route'];
    if (agency === ticket.agency && (category === undefined || category === ticket.category)) throw new IllegalTransitionError(ticket.number, action, ticket.status, 'same_agency');
  }
  if (action === 'merge' && (input as TransitionInputs['merge']).into === ticket.number) throw new IllegalTransitionError(ticket.number, action, ticket.status, 'merge_self');
  // Only a merged ticket goes back to open this way: a confirmed or unanswered one is reopened (with a reason).
  if (action === 'unmerge' && ticket.closeReason !== 'merged') throw new IllegalTransitionError(ticket.number, action, ticket.status, 'not_merged');
  // Its reporter follows the other ticket: reopening this one would leave them following both. They are split out there.
  if (action === 'reopen' && ticket.closeReason === 'merged') throw new IllegalTransitionError(ticket.number, action, ticket.status, 'reopen_merged');
  const effect = EFFECTS[action](input as never, { ...ctx, agency: ticket.agency });
  const history: HistoryEntry = { at: ctx.now, actor: ctx.actor, action, from: ticket.status, to: rule.to };
  // A merge and its undoing name the other ticket, so both histories read "merged into / split out of ADU-…".
  if (action === 'merge') history.ticket = (input as TransitionInputs['merge']).into;
  if (action === 'unmerge') history.ticket = (input as TransitionInputs['unmerge']).from;
  if (ctx.note?.trim()) history.note = ctx.note.trim();
  // A transfer names both agencies, so the history can say "from DISHUB to DPUPR" without replaying the ticket.
  if (action === 'route') {
    history.agency = (input as TransitionInputs['route']).agency;
    if (ticket.agency !== undefined) history.fromAgency = ticket.agency;
  }
  // The reporter's message is owed from this very update on (every effect clears `due.milestone` otherwise).
  const milestone = reachesMilestone(ticket, action, input);
  const deadline = runningDeadline(effect, ctx.now);
  return {
    status: rule.to,
    set: { ...effect.set, ...(milestone ? { 'due.milestone': ctx.now } : {}), ...(deadline ? { deadline } : {}) },
    unset: [...(effect.unset ?? []).filter((path) => !(milestone && path === 'due.milestone')), ...(deadline ? [] : ['deadline'])],
    inc: effect.inc ?? {},
    history,
  };
}

interface Effect {
  set?: Record<string, unknown>;
  unset?: string[];
  inc?: Record<string, number>;
}

const dueExcept = (...keep: (keyof Due)[]) => DUE_FIELDS.filter((d) => !keep.includes(d)).map((d) => `due.${d}`);

/** The agency's target a transition starts (every transition sets its deadlines afresh or clears them), for `Ticket.deadline`. */
function runningDeadline(effect: Effect, now: Date): RunningDeadline | undefined {
  for (const kind of ['firstResponse', 'followUp'] as const) {
    const at = effect.set?.[`due.${kind}`];
    if (at instanceof Date) return { kind, start: now, at };
  }
  return undefined;
}

export const DEFAULT_TIME_ZONE = 'Asia/Jakarta';

/**
 * Deadline and reminder moment for an agency's target that starts now, in clock or working time
 * (`sla.calendar`, see calendar.ts): the reminder is the same share of the span, counted the same way.
 */
function deadline(now: Date, span: number, sla: SlaConfig, timeZone: string): { due: Date; reminder: Date } {
  return {
    due: addSlaTime(now, span, sla.calendar, timeZone),
    reminder: addSlaTime(now, Math.round(span * sla.firstResponseReminderRatio), sla.calendar, timeZone),
  };
}

/** The first-response deadline of a ticket that has just reached an agency; also used at creation. */
export function firstResponseDue(now: Date, sla: SlaConfig, timeZone = DEFAULT_TIME_ZONE): Pick<Due, 'firstResponse' | 'firstResponseReminder'> {
  const d = deadline(now, sla.firstResponse, sla, timeZone);
  return { firstResponse: d.due, firstResponseReminder: d.reminder };
}

function followUpDue(now: Date, sla: SlaConfig, timeZone = DEFAULT_TIME_ZONE): Record<string, Date> {
  const d = deadline(now, sla.followUp, sla, timeZone);
  return { 'due.followUp': d.due, 'due.followUpReminder': d.reminder };
}

const closed = (reason: CloseReason, now: Date): Effect => ({
  set: { closeReason: reason, closedAt: now },
  unset: dueExcept(),
});

const EFFECTS: { [A in TransitionAction]: (input: TransitionInputs[A], ctx: TransitionContext & { agency: string | undefined }) => Effect } = {
  route: ({ agency, category }, { now, sla, timeZone }) => {
    const due = firstResponseDue(now, sla, timeZone);
    return {
      set: {
        agency,
        ...(category === undefined ? {} : { category }),
        'due.firstResponse': due.firstResponse,
        'due.firstResponseReminder': due.firstResponseReminder,
        'due.agencyNotice': now,
      },
      // The owner worked for the old agency: the new one takes the ticket up afresh.
      unset: [...dueExcept('firstResponse', 'firstResponseReminder', 'agencyNotice'), 'result', 'owner'],
    };
  },
  forward: ({ forwardTo }) => ({ set: { forwardedTo: forwardTo }, unset: dueExcept() }),
  reject: (_input, { now }) => ({ set: { closedAt: now }, unset: dueExcept() }),
  respond: (_input, { now, sla, timeZone }) => ({
    set: { firstRespondedAt: now, ...followUpDue(now, sla, timeZone) },
    unset: dueExcept('followUp', 'followUpReminder'),
  }),
  submitResult: ({ text, attachments = [] }, { now, actor }) => {
    const result: AgencyResult = { text, attachments, at: now, by: actor };
    return { set: { result }, unset: dueExcept() };
  },
  validate: (_input, { now, sla }) => ({
    set: {
      resolvedAt: now,
      'due.confirmationRequest': now,
      'due.confirmationReminder': new Date(now.getTime() + sla.confirmationReminder),
      'due.autoClose': new Date(now.getTime() + sla.confirmationReminder + sla.closeAfterReminder),
    },
    unset: dueExcept('confirmationRequest', 'confirmationReminder', 'autoClose'),
  }),
  returnToAgency: (_input, { now, sla, timeZone }) => ({
    set: followUpDue(now, sla, timeZone),
    unset: [...dueExcept('followUp', 'followUpReminder'), 'result'],
  }),
  confirm: (_input, { now }) => closed('confirmed', now),
  reopen: (_input, { now, sla, timeZone }) => ({
    set: followUpDue(now, sla, timeZone),
    unset: [...dueExcept('followUp', 'followUpReminder'), 'result', 'closeReason', 'closedAt', 'resolvedAt'],
    inc: { reopenCount: 1 },
  }),
  // The reporter is told by the confirmation job; the notice is due in the same update as the closing.
  closeNoConfirmation: (_input, { now }) => ({ set: { closeReason: 'no_confirmation', closedAt: now, 'due.closeNotice': now }, unset: dueExcept('closeNotice') }),
  // The followers stay listed until tickets/merge.ts has copied them to the other ticket (a retry after a crash copies
  // them from here), and it empties the list then.
  merge: ({ into }, { now }) => {
    const effect = closed('merged', now);
    return { ...effect, set: { ...effect.set, mergedInto: into } };
  },
  // Its own ticket again, as if just reported: the agency is told afresh and has a new first-response deadline.
  unmerge: (_input, { now, sla, timeZone, agency }) => {
    const due = agency === undefined ? undefined : firstResponseDue(now, sla, timeZone);
    return {
      set: due ? { 'due.firstResponse': due.firstResponse, 'due.firstResponseReminder': due.firstResponseReminder, 'due.agencyNotice': now } : {},
      // Followers it still lists are its own (tickets/merge.ts empties the list once they are on the other ticket).
      unset: [...(due ? dueExcept('firstResponse', 'firstResponseReminder', 'agencyNotice') : dueExcept()), 'closeReason', 'closedAt', 'mergedInto', 'result', 'firstRespondedAt', 'resolvedAt'],
    };
  },
};
