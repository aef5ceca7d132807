// One mapping from errors to HTTP answers for every inbox route. Every answer
// carries a stable `code` and its `details` as data, which the UI turns into a
// sentence in the operator's language; `message` is for people reading the API
// (English), never shown in the inbox. `error` is the older, coarser class.
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { hasZodFastifySchemaValidationErrors } from 'fastify-type-provider-zod';
import { ConcurrentUpdateError, IllegalTransitionError, type InputIssue, InvalidTicketInputError, TicketNotFoundError } from '../tickets/errors.js';
import { issueOf } from '../tickets/issues.js';

interface ErrorKind {
  readonly status: number;
  /** The coarse class older clients test (`conflict`, `bad_request`, …). */
  readonly error: string;
  readonly message: string;
}

/** Every code the inbox API answers with; src/inbox/ui/src/errors.ts has a sentence for each. */
export const API_ERRORS = {
  validation: { status: 400, error: 'bad_request', message: 'The request has invalid fields (see details.issues).' },
  unknown_action: { status: 400, error: 'bad_request', message: 'Unknown status or action.' },
  bad_cursor: { status: 400, error: 'bad_request', message: 'Not a cursor this API gave.' },
  bad_photo: { status: 400, error: 'bad_photo', message: 'A photo was refused.' },
  photo_not_publishable: { status: 409, error: 'bad_photo', message: 'Only JPEG and PNG photos can be published (see details.contentType).' },
  weak_password: { status: 400, error: 'bad_request', message: 'The new password is too short or too long.' },
  self_disable: { status: 400, error: 'bad_request', message: 'You cannot disable your own account.' },
  username_taken: { status: 400, error: 'bad_request', message: 'That username is taken.' },
  unauthenticated: { status: 401, error: 'unauthenticated', message: 'Please log in.' },
  invalid_credentials: { status: 401, error: 'invalid_credentials', message: 'Wrong username or password.' },
  csrf: { status: 403, error: 'csrf', message: 'Missing or wrong CSRF token.' },
  forbidden: { status: 403, error: 'forbidden', message: 'Your role does not allow this.' },
  wrong_password: { status: 403, error: 'wrong_password', message: 'The current password is wrong.' },
  not_found: { status: 404, error: 'not_found', message: 'Not found.' },
  ticket_not_found: { status: 404, error: 'not_found', message: 'Ticket not found.' },
  unknown_operator: { status: 404, error: 'not_found', message: 'No such operator.' },
  stale_version: { status: 409, error: 'conflict', message: 'Someone else changed the ticket; reload and try again.' },
  transition_not_allowed: { status: 409, error: 'illegal_transition', message: 'The ticket\'s status does not allow this action.' },
  note_required: { status: 409, error: 'illegal_transition', message: 'A note with the reason is required.' },
  result_missing: { status: 409, error: 'illegal_transition', message: 'The agency has not submitted a result.' },
  result_text_required: { status: 409, error: 'illegal_transition', message: 'The result needs a text.' },
  same_agency: { status: 409, error: 'illegal_transition', message: 'The ticket is already with that agency.' },
  merge_self: { status: 409, error: 'illegal_transition', message: 'A ticket cannot be merged into itself.' },
  merge_target_closed: { status: 409, error: 'illegal_transition', message: 'The ticket to merge into is no longer open or in progress (see details.status).' },
  not_merged: { status: 409, error: 'illegal_transition', message: 'The ticket was not closed by a merge.' },
  reopen_merged: { status: 409, error: 'illegal_transition', message: 'A merged ticket is reopened by splitting its reporter out of the ticket it was merged into.' },
  follower_not_found: { status: 404, error: 'not_found', message: 'The ticket has no such follower (split out already?).' },
  no_channel: { status: 409, error: 'no_channel', message: 'The reporter cannot be reached through the bot (phone or walk-in complaint).' },
  owned_by_other: { status: 409, error: 'conflict', message: 'Another operator has taken the ticket (see details.owner).' },
  not_a_colleague: { status: 400, error: 'bad_request', message: 'That operator cannot own this ticket (another agency, a supervisor, disabled or unknown).' },
  idempotency_in_progress: { status: 409, error: 'conflict', message: 'The same request is still being handled.' },
  multipart_required: { status: 415, error: 'unsupported_media_type', message: 'Expected multipart/form-data.' },
  idempotency_key_reused: { status: 422, error: 'bad_request', message: 'This Idempotency-Key was used for another request.' },
  locked: { status: 423, error: 'locked', message: 'The account is locked for a while after too many failed attempts.' },
  rate_limited: { status: 429, error: 'rate_limited', message: 'Too many login attempts; try again in a minute.' },
  query_invalid: { status: 400, error: 'bad_request', message: 'Search for a phone number, an email address or a channel account (at least 3 characters).' },
  person_not_found: { status: 404, error: 'not_found', message: 'Nothing is stored about this person.' },
  request_not_found: { status: 404, error: 'not_found', message: 'No data request has this reference.' },
  request_closed: { status: 409, error: 'conflict', message: 'The data request is closed already.' },
  bad_request: { status: 400, error: 'bad_request', message: 'The request could not be read.' },
  internal: { status: 500, error: 'internal', message: 'Something went wrong.' },
} as const satisfies Record<string, ErrorKind>;

export type ApiErrorCode = keyof typeof API_ERRORS;

export function errorBody(code: ApiErrorCode, details?: Record<string, unknown>) {
  const kind = API_ERRORS[code];
  return { error: kind.error, code, message: kind.message, ...(details ? { details } : {}) };
}

/** Sends the answer for `code`; `details` are the facts the UI's sentence needs (a field, an action, a limit). */
export function refuse(reply: FastifyReply, code: ApiErrorCode, details?: Record<string, unknown>): FastifyReply {
  return reply.code(API_ERRORS[code].status).send(errorBody(code, details));
}

/** A validation answer for issues found by hand (a phone number the schema cannot judge). */
export const invalid = (reply: FastifyReply, issues: readonly Omit<InputIssue, 'message'>[]) =>
  refuse(reply, 'validation', { issues: issues.map(({ field, problem, limit }) => ({ field, problem, ...(limit === undefined ? {} : { limit }) })) });

export function inboxErrorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (hasZodFastifySchemaValidationErrors(error)) {
    const issues = error.validation.map((v) => issueOf({ ...v.params, code: v.keyword, path: v.instancePath.split('/').filter(Boolean), message: v.message ?? '' }, error.validationContext ?? 'request'));
    return invalid(reply, issues);
  }
  if (error instanceof TicketNotFoundError) return refuse(reply, 'ticket_not_found');
  if (error instanceof ConcurrentUpdateError) return refuse(reply, 'stale_version', { action: error.action });
  if (error instanceof IllegalTransitionError) return refuse(reply, error.reason ?? 'transition_not_allowed', { action: error.action, status: error.status });
  if (error instanceof InvalidTicketInputError) return invalid(reply, error.issues);
  if (error.statusCode !== undefined && error.statusCode < 500) return reply.code(error.statusCode).send({ error: error.code, code: 'bad_request', message: error.message });
  request.log.error({ err: error }, 'inbox request failed');
  return refuse(reply, 'internal');
}

export const notFound = (reply: FastifyReply) => refuse(reply, 'not_found');
