// Typed errors of the ticket service, one catalogue of codes so that callers
// (inbox API, conversation, scheduler) can map them without parsing messages.
import type { TicketStatus } from './model.js';

export const TICKET_ERROR_CODES = {
  NOT_FOUND: 'TICKET_NOT_FOUND',
  ILLEGAL_TRANSITION: 'TICKET_ILLEGAL_TRANSITION',
  CONCURRENT_UPDATE: 'TICKET_CONCURRENT_UPDATE',
  INVALID_INPUT: 'TICKET_INVALID_INPUT',
} as const;

export type TicketErrorCode = (typeof TICKET_ERROR_CODES)[keyof typeof TICKET_ERROR_CODES];

export class TicketError extends Error {
  constructor(readonly code: TicketErrorCode, message: string) {
    super(message);
    this.name = new.target.name;
  }
}

export class TicketNotFoundError extends TicketError {
  constructor(readonly number: string) {
    super(TICKET_ERROR_CODES.NOT_FOUND, `ticket ${number} does not exist`);
  }
}

/**
 * Why a transition that the status allows was still refused, as a code callers can translate
 * (the inbox shows it in the operator's language); the message keeps the English sentence for logs.
 */
export const TRANSITION_REFUSALS = {
  note_required: 'a note with the reason is required',
  result_missing: 'the agency has not submitted a result',
  result_text_required: 'the result needs a text',
  same_agency: 'the ticket is already with that agency',
  merge_self: 'a ticket cannot be merged into itself',
  merge_target_closed: 'the ticket to merge into is no longer open or in progress',
  not_merged: 'the ticket was not closed by a merge',
  reopen_merged: 'a merged ticket reopens by splitting its reporter out of the ticket it was merged into',
} as const;

export type TransitionRefusal = keyof typeof TRANSITION_REFUSALS;

export class IllegalTransitionError extends TicketError {
  constructor(readonly number: string, readonly action: string, readonly status: TicketStatus, readonly reason?: TransitionRefusal) {
    super(TICKET_ERROR_CODES.ILLEGAL_TRANSITION, `cannot ${action} ticket ${number} while it is ${status}${reason ? `: ${TRANSITION_REFUSALS[reason]}` : ''}`);
  }
}

/** The ticket changed between reading it and writing the transition; re-read and decide again. */
export class ConcurrentUpdateError extends TicketError {
  constructor(readonly number: string, readonly action: string) {
    super(TICKET_ERROR_CODES.CONCURRENT_UPDATE, `ticket ${number} was changed by someone else while trying to ${action}`);
  }
}

/**
 * One field's problem: `problem` a code callers show in their own words (see tickets/issues.ts),
 * `limit` the bound that was crossed or the unknown value, `message` the English sentence.
 */
export interface InputIssue {
  readonly field: string;
  readonly problem: string;
  readonly message: string;
  readonly limit?: string | number;
}

export class InvalidTicketInputError extends TicketError {
  readonly problems: readonly string[];

  constructor(readonly issues: readonly InputIssue[]) {
    const problems = issues.map((i) => `${i.field}: ${i.message}`);
    super(TICKET_ERROR_CODES.INVALID_INPUT, `invalid ticket input: ${problems.join('; ')}`);
    this.problems = problems;
  }
}
