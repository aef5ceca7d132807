// Phone and walk-in intake. Who is calling, by their phone number: the stored
// identity (name, address, email) from their earlier tickets, a short list of
// those tickets within the operator's scope, and the channels on which they
// can be told the new ticket's number; audited as a read of personal data.
// The form is filled from it only when the operator asks. The complaint
// itself with its photos (multipart), and its number sent to the caller.
import { z } from 'zod';
import { normalisePhone } from '../../conversation/phone.js';
import { phoneIntakeNumber } from '../../conversation/handlers/phone-intake.js';
import { statusUrl } from '../../public/link.js';
import type { InboxStore, TicketListItem } from '../../storage/inbox-store.js';
import { issueOf } from '../../tickets/issues.js';
import type { AttachmentRef } from '../../tickets/model.js';
import { detailFor } from '../detail.js';
import { idempotent } from '../idempotency.js';
import { operatorOf, requireOperator } from '../auth/guard.js';
import { actorOf, agencyScope } from '../auth/roles.js';
import type { InboxApp, InboxContext } from '../context.js';
import { invalid, refuse } from '../errors.js';
import { code } from '../schemas.js';
import { storePhoto } from './photos.js';
import { maskField, masksFor } from '../masking.js';

/** How many earlier tickets are read (and at most shown): the lookup is one bounded query. */
const LOOKUP_LIMIT = 20;

/** Channels on which a caller can be told their number later (a web chat's page is gone once closed). */
const REACHABLE = ['whatsapp', 'telegram', 'email'] as const;
type Reachable = (typeof REACHABLE)[number];

const callerQuery = z.strictObject({ phone: z.string().trim().min(1).max(30) });

const optionalText = (max: number) => z.string().trim().max(max).optional();

const complaint = z.strictObject({
  channel: z.enum(['phone', 'walk_in']),
  reporter: z.strictObject({
    name: z.string().trim().min(1).max(120),
    phone: z.string().trim().max(30).optional(),
    email: z.union([z.email(), z.literal('')]).optional(),
    address: optionalText(500),
  }),
  category: code,
  description: z.string().trim().min(1).max(4_000),
  location: z
    .strictObject({ latitude: z.number().min(-90).max(90).optional(), longitude: z.number().min(-180).max(180).optional(), address: optionalText(500) })
    .optional(),
  /** Send the new ticket's number to the caller on this channel (one `channels` of the lookup offered). */
  notify: z.enum(REACHABLE).optional(),
});

/** The tickets reported from this phone, newest first (at most LOOKUP_LIMIT), within an agency when given. */
async function ticketsOf(inbox: InboxStore, phone: string, now: Date, agency?: string): Promise<TicketListItem[]> {
  const rows = await inbox.list({ text: phone, sort: 'newest', limit: LOOKUP_LIMIT, ...(agency === undefined ? {} : { agency }) }, now);
  return rows.filter((t) => t.reporter.phone === phone).slice(0, LOOKUP_LIMIT);
}

/** Where the person wrote from before, newest first: one conversation per channel. */
function reachable(rows: readonly TicketListItem[]): Map<Reachable, string> {
  const targets = new Map<Reachable, string>();
  for (const t of rows) {
    const channel = REACHABLE.find((c) => c === t.channel);
    if (channel && t.reporter.channelUserId && !targets.has(channel)) targets.set(channel, t.reporter.channelUserId);
  }
  return targets;
}

export function intakeRoutes(app: InboxApp, ctx: InboxContext): void {
  app.get('/api/intake/caller', { schema: { tags: ['tickets'], summary: 'The caller by phone (any spelling): stored identity, earlier tickets within your scope, channels to send the number on; audited', querystring: callerQuery }, preHandler: requireOperator(ctx.authenticator) }, async (request, reply) => {
    const operator = operatorOf(request);
    const phone = normalisePhone(request.query.phone);
    if (!phone) return invalid(reply, [{ field: 'phone', problem: 'phone' }]);
    const now = ctx.clock();
    const rows = await ticketsOf(ctx.inbox, phone, now, agencyScope(operator));
    // The newest value of each field: people move and change their email.
    // A masked role learns the name (to greet the caller), not where they live: the caller can say it (masking.ts).
    const masked = masksFor(ctx.config, operator);
    const pick = (field: 'name' | 'address' | 'email') => {
      const value = rows.find((t) => t.reporter[field])?.reporter[field];
      if (value === undefined) return null;
      return masked && field !== 'name' ? maskField(field, value) : value;
    };
    await ctx.audit.record({ at: now, actor: `operator:${operator.username}`, action: 'lookup_caller', detail: { found: rows.length, tickets: rows.map((t) => t.number), fields: masked ? ['name'] : ['name', 'address', 'email'] }, ip: request.ip });
    return {
      phone,
      identity: rows.length ? { name: pick('name'), address: pick('address'), email: pick('email') } : null,
      tickets: rows.map((t) => ({ number: t.number, status: t.status, category: t.category, channel: t.channel, createdAt: t.createdAt.toISOString() })),
      channels: [...reachable(rows).keys()],
    };
  });

  app.post('/api/intake', {
    schema: { tags: ['tickets'], summary: 'A complaint taken by phone or at the counter, with photos: multipart with `complaint` (JSON: channel, reporter, category, description, location?, notify?) and up to N `photo` files' },
    preHandler: [requireOperator(ctx.authenticator, 'create'), idempotent(ctx.idempotency)],
  }, async (request, reply) => {
    const operator = operatorOf(request);
    if (!request.isMultipart()) return refuse(reply, 'multipart_required');
    let raw: string | undefined;
    const photos: AttachmentRef[] = [];
    const { photoMaxBytes, photosPerTicket } = ctx.config.limits;
    for await (const part of request.parts({ limits: { fileSize: photoMaxBytes + 1, files: photosPerTicket, fields: 2, fieldSize: 16_000 } })) {
      if (part.type === 'field') {
        if (part.fieldname === 'complaint') raw = String(part.value);
        continue;
      }
      const problem = await storePhoto(ctx, part, photos);
      if (problem) return refuse(reply, 'bad_photo', problem);
    }
    let json: unknown;
    try {
      json = JSON.parse(raw ?? '');
    } catch {
      return invalid(reply, [{ field: 'complaint', problem: 'required' }]);
    }
    const parsed = complaint.safeParse(json);
    if (!parsed.success) return invalid(reply, parsed.error.issues.map((i) => issueOf(i)));
    const { reporter, notify, ...rest } = parsed.data;
    let phone: string | undefined;
    if (reporter.phone !== undefined && reporter.phone !== '') {
      phone = normalisePhone(reporter.phone);
      if (!phone) return invalid(reply, [{ field: 'reporter.phone', problem: 'phone' }]);
    }
    const now = ctx.clock();
    // Where the number can go is looked up before the new ticket exists, over all of the person's tickets.
    const target = notify && phone ? reachable(await ticketsOf(ctx.inbox, phone, now)).get(notify) : undefined;
    const { email, ...person } = reporter;
    const ticket = await ctx.tickets.create({ ...rest, attachments: photos, reporter: { ...person, ...(email ? { email } : {}), ...(phone ? { phone } : {}) } }, actorOf(operator));
    let notified: string | null = null;
    if (notify && target) {
      await ctx.router.notify({ channel: notify, channelUserId: target }, phoneIntakeNumber(ticket.number, ticket.channel === 'walk_in' ? 'walk_in' : 'phone', statusUrl(ctx.config, ticket)), { ticketNumber: ticket.number, author: operator.username, key: `phoneIntake:${ticket.number}` });
      notified = notify;
    }
    await ctx.audit.record({ at: ctx.clock(), actor: `operator:${operator.username}`, action: 'create_ticket', ticket: ticket.number, detail: { channel: ticket.channel, category: ticket.category, photos: photos.length, ...(notified ? { notified } : {}) }, ip: request.ip });
    return reply.code(201).send({ ...(await detailFor(ctx, ticket, operator)), notified });
  });
}
