// A new service request becomes a ticket on channel `open311`, through the
// ticket service like every other (routing, SLA, agency notice, round-robin).
// The reporter is told its number, and later its milestones and the
// confirmation question, by email when they gave an address and the email
// channel is on: their email conversation is the reporter's conversation
// (src/tickets/reporter.ts). A client retrying the same POST (same key, same
// fields) within IDEMPOTENCY_TTL_MS gets the same ticket, not a second one.
import { createHash } from 'node:crypto';
import { normalisePhone } from '../conversation/phone.js';
import { phoneIntakeNumber } from '../conversation/handlers/phone-intake.js';
import type { ConversationRouter } from '../conversation/router.js';
import type { Logger } from '../observability/logger.js';
import { type PublicLinkConfig, statusUrl } from '../public/link.js';
import type { IdempotencyStore } from '../storage/idempotency-store.js';
import type { Open311Key } from '../storage/open311-key-store.js';
import { InvalidTicketInputError } from '../tickets/errors.js';
import type { Ticket } from '../tickets/model.js';
import type { TicketService } from '../tickets/service.js';
import type { NewRequestForm } from './schemas.js';
import type { Open311Config } from './view.js';

/** How long an identical POST of the same client is answered with the ticket the first one opened. */
export const IDEMPOTENCY_TTL_MS = 10 * 60_000;
const PENDING_POLLS = 25;
const PENDING_POLL_MS = 200;

export interface IntakeDeps {
  readonly config: Open311Config & PublicLinkConfig;
  readonly tickets: TicketService;
  readonly router: ConversationRouter;
  readonly idempotency: IdempotencyStore;
  /** Whether mail to reporters can be sent (the email channel registered its sender). */
  readonly canMail: () => boolean;
  readonly logger: Logger;
  readonly clock: () => Date;
}

export type IntakeResult =
  | { readonly ok: true; readonly number: string; readonly ticket?: Ticket }
  | { readonly ok: false; readonly status: number; readonly descriptions: string[] };

const refused = (status: number, ...descriptions: string[]): IntakeResult => ({ ok: false, status, descriptions });

/** Checks what the schema cannot (the service exists, there is a place, the phone is a phone); undefined when fine. */
function problems(form: NewRequestForm, config: Open311Config): IntakeResult | undefined {
  if (!config.categories.some((c) => c.code === form.service_code)) return refused(400, `service_code: "${form.service_code}" is not a service of this city (see services.json)`);
  if (form.lat === undefined && form.address_string === undefined) return refused(400, 'lat and long, or address_string, are required: where is the problem?');
  if (form.phone !== undefined && !normalisePhone(form.phone)) return refused(400, 'phone: not a phone number');
  return undefined;
}

export async function openRequest(deps: IntakeDeps, key: Open311Key, form: NewRequestForm): Promise<IntakeResult> {
  const problem = problems(form, deps.config);
  if (problem) return problem;
  const fingerprint = createHash('sha256').update(`${key.id}\n${JSON.stringify(form)}`).digest('hex');
  const id = `open311:${fingerprint}`;
  for (let poll = 0; poll < PENDING_POLLS; poll++) {
    const now = deps.clock();
    const claim = await deps.idempotency.claim(id, 'POST /open311/v2/requests', now, new Date(now.getTime() + IDEMPOTENCY_TTL_MS));
    if (claim.kind === 'done') return claim.answer.status === 200 ? { ok: true, number: claim.answer.body } : refused(claim.answer.status, claim.answer.body);
    if (claim.kind === 'claimed') return create(deps, key, form, id);
    // The same request is being handled right now (a client that timed out and retried): wait for its answer.
    await new Promise((resolve) => setTimeout(resolve, PENDING_POLL_MS));
  }
  return refused(503, 'the same request is still being handled: try again in a minute');
}

async function create(deps: IntakeDeps, key: Open311Key, form: NewRequestForm, id: string): Promise<IntakeResult> {
  let ticket: Ticket;
  try {
    ticket = await deps.tickets.create(ticketInput(deps, form), `system:open311:${key.id}`);
  } catch (error) {
    await deps.idempotency.release(id).catch(() => undefined);
    if (error instanceof InvalidTicketInputError) return refused(400, ...error.issues.map((i) => `${i.field}: ${i.message}`));
    throw error;
  }
  await deps.idempotency.complete(id, { status: 200, body: ticket.number });
  const address = ticket.reporter.channelUserId;
  if (address !== undefined) {
    // The ticket stands whatever happens to the mail; the outbox retries it.
    await deps.router.notify({ channel: 'email', channelUserId: address }, phoneIntakeNumber(ticket.number, 'open311', statusUrl(deps.config, ticket)), { ticketNumber: ticket.number, key: `open311Intake:${ticket.number}` }).catch((error: unknown) => {
      deps.logger.warn({ err: error, ticket: ticket.number }, 'open311: the ticket number was not mailed to the reporter');
    });
  }
  return { ok: true, number: ticket.number, ticket };
}

function ticketInput(deps: IntakeDeps, form: NewRequestForm) {
  const name = [form.first_name, form.last_name].filter(Boolean).join(' ');
  const phone = form.phone === undefined ? undefined : normalisePhone(form.phone);
  const category = deps.config.categories.find((c) => c.code === form.service_code);
  // A photo is not fetched from media_url (a server fetching URLs a client names can be turned against the
  // city's own network); the link is kept with the description for the operators to open.
  const description = [form.description ?? category?.name[deps.config.city.locale] ?? form.service_code, form.media_url].filter(Boolean).join('\n\n');
  return {
    channel: 'open311' as const,
    reporter: {
      ...(name ? { name } : {}),
      ...(phone ? { phone } : {}),
      ...(form.email ? { email: form.email } : {}),
      // The reporter's conversation: mail, when it can be sent (src/tickets/reporter.ts).
      ...(form.email && deps.canMail() ? { channelUserId: form.email } : {}),
    },
    category: form.service_code,
    description,
    location: {
      ...(form.lat !== undefined && form.long !== undefined ? { latitude: form.lat, longitude: form.long } : {}),
      ...(form.address_string ? { address: form.address_string } : {}),
    },
  };
}
