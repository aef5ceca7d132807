// "Tampilkan": an operator who sees a reporter's or follower's contact masked
// (masking.ts) reveals one value with a click. The reveal is audited
// (`reveal_personal_data`: the ticket, the field, whose — never the value), so
// `npm run pdp -- accessed` can tell later whose data an account saw.
import { z } from 'zod';
import { isFollowerNamed, opaqueFollowerKey } from '../../tickets/followers.js';
import { visibleTicket } from '../access.js';
import { operatorOf, requireOperator } from '../auth/guard.js';
import type { InboxApp, InboxContext } from '../context.js';
import { refuse } from '../errors.js';
import { PERSONAL_FIELDS } from '../masking.js';
import { ticketParams } from '../schemas.js';

const revealBody = z.strictObject({
  field: z.enum(PERSONAL_FIELDS),
  /** A follower's `key` from the ticket's followers; omitted: the reporter. */
  follower: z.string().min(1).max(300).optional(),
  /** Why, if the operator says (kept in the audit): "menelepon pelapor untuk survei lokasi". */
  reason: z.string().trim().max(200).optional(),
});

export function privacyRoutes(app: InboxApp, ctx: InboxContext): void {
  app.post('/api/tickets/:number/reveal', { schema: { tags: ['tickets'], summary: "One masked value of the reporter's or a follower's contact, unmasked; audited without the value", params: ticketParams, body: revealBody }, preHandler: requireOperator(ctx.authenticator, 'read') }, async (request, reply) => {
    const operator = operatorOf(request);
    const ticket = await visibleTicket(ctx, operator, request.params.number);
    const { field, follower: key, reason } = request.body;
    const follower = key === undefined ? undefined : ticket.followers?.find((f) => isFollowerNamed(f, key));
    const person = key === undefined ? ticket.reporter : follower;
    const value = person?.[field];
    if (value === undefined || value === '') return refuse(reply, 'not_found');
    await ctx.audit.record({
      at: ctx.clock(),
      actor: `operator:${operator.username}`,
      action: 'reveal_personal_data',
      ticket: ticket.number,
      // The follower by their opaque key (no channel account in the audit), found again by `npm run pdp`.
      detail: { field, person: follower ? `follower:${opaqueFollowerKey(follower)}` : 'reporter', ...(reason ? { reason } : {}) },
      ip: request.ip,
    });
    return reply.header('cache-control', 'no-store').send({ field, value });
  });
}
