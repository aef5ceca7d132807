// The reporter panel (issue 15 item 6): the person behind a ticket, their other
// tickets and their channels, and identities on other channels that share a phone
// or an email — joined only when an operator merges them, and split again as
// easily. Reads of this personal data and every merge or split are audited.
import type { FastifyRequest } from 'fastify';
import { z } from 'zod';
import { CHANNELS, type Ticket } from '../../tickets/model.js';
import type { PersonIdentity } from '../../storage/models/person.js';
import { keyOf, type PersonStore, type PersonTicket } from '../../storage/person-store.js';
import { visibleTicket } from '../access.js';
import { operatorOf, requireOperator } from '../auth/guard.js';
import { can, canSee, type Operator } from '../auth/roles.js';
import type { InboxApp, InboxContext } from '../context.js';
import { refuse } from '../errors.js';
import { idempotent } from '../idempotency.js';
import { ticketParams } from '../schemas.js';
import { fieldsRead, maskChannelUserId, maskEmail, maskPhone, masksFor } from '../masking.js';

/** At most this many tickets are read for one panel (the person's and those sharing a phone or email). */
const READ_LIMIT = 100;
/** At most this many other tickets are listed. */
const LIST_LIMIT = 20;

const identityBody = z.strictObject({ channel: z.enum(CHANNELS), channelUserId: z.string().min(1).max(200) });

export interface ReporterPanel {
  /** The merged person's id, or null while the reporter's identity stands alone. */
  person: string | null;
  /** The person's identities on the channels; `own` is this ticket's. */
  identities: { channel: string; channelUserId: string; own: boolean }[];
  phones: string[];
  emails: string[];
  tickets: { number: string; status: string; category: string; agency: string | null; channel: string; createdAt: Date }[];
  /** More tickets than listed (the list is bounded). */
  more: boolean;
  /** Identities on other channels with the same phone or email (central operators only). */
  suggestions: { channel: string; channelUserId: string; reason: 'phone' | 'email'; tickets: number }[];
  canMerge: boolean;
}

const identityOf = (t: Pick<Ticket, 'channel' | 'reporter'>): PersonIdentity | null =>
  t.reporter.channelUserId ? { channel: t.channel, channelUserId: t.reporter.channelUserId } : null;

/** The panel as an operator who sees personal fields masked sees it (masking.ts): the same shape, no contact. */
function maskedPanel(panel: ReporterPanel): ReporterPanel {
  return {
    ...panel,
    identities: panel.identities.map((i) => ({ ...i, channelUserId: maskChannelUserId(i.channelUserId) })),
    phones: panel.phones.map(maskPhone),
    emails: panel.emails.map(maskEmail),
    suggestions: panel.suggestions.map((s) => ({ ...s, channelUserId: maskChannelUserId(s.channelUserId) })),
  };
}

export async function reporterPanel(people: PersonStore, operator: Operator, ticket: Ticket): Promise<ReporterPanel> {
  const own = identityOf(ticket);
  const person = own ? await people.personOf(own) : null;
  const identities = person ? person.identities.map(({ channel, channelUserId }) => ({ channel, channelUserId })) : own ? [own] : [];
  const mine = new Set(identities.map(keyOf));
  const phones = new Set<string>();
  const emails = new Set<string>();
  const addContacts = (t: Pick<Ticket, 'reporter'>) => {
    if (t.reporter.phone) phones.add(t.reporter.phone);
    if (t.reporter.email) emails.add(t.reporter.email);
  };
  addContacts(ticket);
  let found: PersonTicket[] = await people.tickets({ identities, phones: [...phones], emails: [...emails] }, READ_LIMIT);
  const before = phones.size + emails.size;
  for (const t of found) { const id = identityOf(t); if (id && mine.has(keyOf(id))) addContacts(t); }
  if (phones.size + emails.size > before) found = await people.tickets({ identities, phones: [...phones], emails: [...emails] }, READ_LIMIT);

  const belongs: PersonTicket[] = [];
  const suggestions = new Map<string, ReporterPanel['suggestions'][number]>();
  for (const t of found) {
    const id = identityOf(t);
    if (!id) { belongs.push(t); continue; }
    if (mine.has(keyOf(id))) { belongs.push(t); continue; }
    const reason = t.reporter.phone && phones.has(t.reporter.phone) ? 'phone' : 'email';
    const known = suggestions.get(keyOf(id));
    if (known) known.tickets += 1;
    else suggestions.set(keyOf(id), { ...id, reason, tickets: 1 });
  }
  const listed = belongs.filter((t) => t.number !== ticket.number && canSee(operator, t));
  const mayMerge = can(operator, 'assign') && own !== null;
  return {
    person: person?._id ?? null,
    identities: identities.map((i) => ({ ...i, own: own !== null && keyOf(i) === keyOf(own) })),
    phones: [...phones],
    emails: [...emails],
    tickets: listed.slice(0, LIST_LIMIT).map((t) => ({ number: t.number, status: t.status, category: t.category, agency: t.agency ?? null, channel: t.channel, createdAt: t.createdAt })),
    more: listed.length > LIST_LIMIT,
    suggestions: can(operator, 'assign') ? [...suggestions.values()] : [],
    canMerge: mayMerge,
  };
}

export function reporterRoutes(app: InboxApp, ctx: InboxContext, people: PersonStore): void {
  const read = requireOperator(ctx.authenticator, 'read');
  const merge = requireOperator(ctx.authenticator, 'assign');
  const once = idempotent(ctx.idempotency);
  const shown = (operator: Operator, panel: ReporterPanel) => (masksFor(ctx.config, operator) ? maskedPanel(panel) : panel);
  const audit = (request: FastifyRequest, operator: Operator, action: string, ticket: string, detail?: Record<string, unknown>) =>
    ctx.audit.record({ at: ctx.clock(), actor: `operator:${operator.username}`, action, ticket, ...(detail ? { detail } : {}), ip: request.ip });

  app.get('/api/tickets/:number/reporter', { schema: { tags: ['tickets'], summary: "The reporter panel: the person's other tickets (yours only, for an agency), channels and identities sharing a phone or email", params: ticketParams }, preHandler: read }, async (request) => {
    const operator = operatorOf(request);
    const ticket = await visibleTicket(ctx, operator, request.params.number);
    const panel = await reporterPanel(people, operator, ticket);
    const masked = masksFor(ctx.config, operator);
    await audit(request, operator, 'view_reporter', ticket.number, { fields: fieldsRead(masked) });
    return shown(operator, panel);
  });

  app.post('/api/tickets/:number/reporter/merge', { schema: { tags: ['tickets'], summary: "Join an identity sharing the reporter's phone or email to the reporter (one person)", params: ticketParams, body: identityBody }, preHandler: [merge, once] }, async (request, reply) => {
    const operator = operatorOf(request);
    const ticket = await visibleTicket(ctx, operator, request.params.number);
    const own = identityOf(ticket);
    if (!own) return refuse(reply, 'no_channel');
    const other = request.body;
    const panel = await reporterPanel(people, operator, ticket);
    if (!panel.suggestions.some((s) => s.channel === other.channel && s.channelUserId === other.channelUserId)) return refuse(reply, 'not_found');
    const person = await people.merge(own, other, `operator:${operator.username}`, ctx.clock());
    await audit(request, operator, 'merge_identity', ticket.number, { person, channel: other.channel });
    return shown(operator, await reporterPanel(people, operator, ticket));
  });

  app.post('/api/tickets/:number/reporter/split', { schema: { tags: ['tickets'], summary: "Take a merged identity out of the reporter's person again", params: ticketParams, body: identityBody }, preHandler: [merge, once] }, async (request, reply) => {
    const operator = operatorOf(request);
    const ticket = await visibleTicket(ctx, operator, request.params.number);
    const own = identityOf(ticket);
    const person = own ? await people.personOf(own) : null;
    const other = request.body;
    if (!person?.identities.some((i) => i.channel === other.channel && i.channelUserId === other.channelUserId)) return refuse(reply, 'not_found');
    await people.split(other, `operator:${operator.username}`, ctx.clock());
    await audit(request, operator, 'split_identity', ticket.number, { person: person._id, channel: other.channel });
    return shown(operator, await reporterPanel(people, operator, ticket));
  });
}
