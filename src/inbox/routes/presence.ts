// POST /api/tickets/:number/presence: the ticket view says the operator has the
// ticket open ("viewing", every ~10 s), is typing a reply ("typing"), or left it.
// A change is published on the event stream (`presence`) to the operators who may
// see the ticket; the answer lists who else is on it, on any instance (shared-presence.ts).
import { z } from 'zod';
import { operatorOf, requireOperator } from '../auth/guard.js';
import { visibleTicket } from '../access.js';
import type { InboxApp, InboxContext } from '../context.js';
import type { SharedPresence } from '../shared-presence.js';
import { ticketParams } from '../schemas.js';

const presenceBody = z.strictObject({ state: z.enum(['viewing', 'typing', 'left']) });

export function presenceRoutes(app: InboxApp, ctx: InboxContext, presence: SharedPresence): void {
  app.post('/api/tickets/:number/presence', { schema: { tags: ['tickets'], summary: 'You have the ticket open (`viewing`, renew every ~10 s), are typing a reply (`typing`) or left it; answers who else is on it', params: ticketParams, body: presenceBody }, preHandler: requireOperator(ctx.authenticator) }, async (request) => {
    const operator = operatorOf(request);
    const ticket = await visibleTicket(ctx, operator, request.params.number);
    const { state } = request.body;
    presence.mark({ number: ticket.number, ...(ticket.agency ? { agency: ticket.agency } : {}), operator: operator.username, name: operator.name, state });
    return { others: presence.on(ticket.number, operator.username) };
  });
}
