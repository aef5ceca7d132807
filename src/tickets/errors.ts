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

export class IllegalTransitionError extends TicketError {
  constructor(readonly number: string, readonly action: string, readonly status: TicketStatus, reason?: string) {
    super(TICKET_ERROR_CODES.ILLEGAL_TRANSITION, `cannot ${action} ticket ${number} while it is ${status}${reason ? `: ${reason}` : ''}`);
  }
}

/** The ticket changed between reading it and writing the transition; re-read and decide again. */
export class ConcurrentUpdateError extends TicketError {
  constructor(readonly number: string, readonly action: string) {
    super(TICKET_ERROR_CODES.CONCURRENT_UPDATE, `ticket ${number} was changed by someone else while trying to ${action}`);
  }
}

export class InvalidTicketInputError extends TicketError {
  constructor(readonly problems: readonly string[]) {
    super(TICKET_ERROR_CODES.INVALID_INPUT, `invalid ticket input: ${problems.join('; ')}`);
  }
}
