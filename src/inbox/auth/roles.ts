// Who may do what, as data, and what each operator may see. The server
// checks these on every request; the UI only hides what would be refused.
import type { Ticket } from '../../tickets/model.js';
import type { TransitionAction } from '../../tickets/transitions.js';

/**
 * Central operator (Admin Pusat), agency operator (Admin Perangkat Daerah), supervisor, and the data protection
 * officer (Pejabat Pelindungan Data Pribadi, UU PDP 27/2022); the `operators` collection stores one per operator.
 */
export const OPERATOR_ROLES = ['admin', 'agency', 'supervisor', 'dpo'] as const;
export type OperatorRole = (typeof OPERATOR_ROLES)[number];

export interface Operator {
  readonly username: string;
  readonly name: string;
  readonly role: OperatorRole;
  readonly agency?: string;
}

/**
 * `personalData`: find a person across tickets, export, correct and erase their data, close their requests (the DPO).
 * `own`: take a ticket ("Ambil") or hand it to a colleague. `merge`: merge two tickets about the same problem and
 * split a follower out again; an agency operator only between tickets of its own agency (it sees no others).
 */
export type Permission = 'read' | 'reply' | 'note' | 'assign' | 'own' | 'create' | 'reports' | 'operators' | 'config' | 'audit' | 'merge' | 'personalData';

const PERMISSIONS: Readonly<Record<OperatorRole, readonly Permission[]>> = {
  admin: ['read', 'reply', 'note', 'assign', 'own', 'create', 'reports', 'operators', 'config', 'audit', 'merge'],
  agency: ['read', 'reply', 'note', 'own', 'reports', 'merge'],
  supervisor: ['read', 'reports'],
  // Least privilege: only the DPO finds, exports, corrects and erases a person (`personalData`, not even admin). They
  // read tickets and the audit trail to answer a citizen and to check who saw their data, and change no ticket.
  dpo: ['read', 'audit', 'personalData'],
};

/** Transitions an operator may ask for; the rest belong to the reporter and the jobs. */
const TRANSITIONS_BY_ROLE: Readonly<Record<OperatorRole, readonly TransitionAction[]>> = {
  admin: ['route', 'forward', 'reject', 'respond', 'submitResult', 'validate', 'returnToAgency', 'reopen'],
  agency: ['respond', 'submitResult'],
  supervisor: [],
  dpo: [],
};

export const can = (operator: Operator, permission: Permission): boolean => PERMISSIONS[operator.role].includes(permission);

export const mayTransition = (operator: Operator, action: TransitionAction): boolean => TRANSITIONS_BY_ROLE[operator.role].includes(action);

export const allowedTransitions = (operator: Operator): readonly TransitionAction[] => TRANSITIONS_BY_ROLE[operator.role];

/** An agency operator sees its agency's tickets only; everyone else sees all. */
export function canSee(operator: Operator, ticket: Pick<Ticket, 'agency'>): boolean {
  return operator.role !== 'agency' || (ticket.agency !== undefined && ticket.agency === operator.agency);
}

/**
 * Who may own a ticket: an operator of its agency, or a central admin (who validates and answers too).
 * An agency operator hands a ticket only to colleagues of the same agency; an admin to either.
 */
export function mayOwn(candidate: Pick<Operator, 'role' | 'agency'>, ticket: Pick<Ticket, 'agency'>): boolean {
  return candidate.role === 'admin' || (candidate.role === 'agency' && ticket.agency !== undefined && candidate.agency === ticket.agency);
}

export function mayHandTo(giver: Operator, candidate: Pick<Operator, 'role' | 'agency'>, ticket: Pick<Ticket, 'agency'>): boolean {
  if (!mayOwn(candidate, ticket)) return false;
  return giver.role === 'admin' || candidate.role === 'agency';
}

/** The agency a list, a search or the event stream is confined to, if any. */
export const agencyScope = (operator: Operator): string | undefined => (operator.role === 'agency' ? (operator.agency ?? '\u0000none') : undefined);

export const actorOf = (operator: Operator): `operator:${string}` | `agency:${string}` =>
  operator.role === 'agency' ? `agency:${operator.agency ?? ''}/${operator.username}` : `operator:${operator.username}`;
