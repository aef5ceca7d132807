// Retention of personal data, for admins (README "Retention of personal data"): the periods in force and what
// the last run of the retention job removed (counts per kind, never what), and anonymising one finished ticket
// now (a citizen's erasure request, UU PDP 27/2022): confirmed in the UI, idempotent, audited.
import type { RetentionPorts } from '../../storage/retention-runs.js';
import { FINISHED_STATUSES } from '../../storage/retention-store.js';
import { operatorOf, requireOperator } from '../auth/guard.js';
import type { InboxApp, InboxContext } from '../context.js';
import { refuse } from '../errors.js';
import { idempotent } from '../idempotency.js';
import { ticketParams } from '../schemas.js';

export function retentionRoutes(app: InboxApp, ctx: InboxContext, retention: RetentionPorts): void {
  const guard = requireOperator(ctx.authenticator, 'config');

  app.get('/api/admin/retention', { schema: { tags: ['admin'], summary: 'Retention periods (ms) and the counts of the last retention run' }, preHandler: guard }, async () => {
    const { batch, ...periods } = ctx.config.retention;
    return { periods, batch, sessionTtl: ctx.config.inbox.sessionTtl, schedule: ctx.config.schedules.retention ?? null, lastRun: await retention.runs.last() };
  });

  app.post('/api/admin/tickets/:number/anonymise', { schema: { tags: ['admin'], summary: 'Remove the personal data of a finished ticket now (erasure request); the ticket stays for statistics', params: ticketParams }, preHandler: [guard, idempotent(ctx.idempotency)] }, async (request, reply) => {
    const operator = operatorOf(request);
    const ticket = await ctx.tickets.get(request.params.number);
    if (ticket.anonymisedAt) return { ok: true, anonymisedAt: ticket.anonymisedAt };
    // The ticket as it is (404 when there is none); an open ticket still needs its reporter: it is finished (closed, rejected, forwarded) first.
    if (!(FINISHED_STATUSES as readonly string[]).includes(ticket.status)) return refuse(reply, 'transition_not_allowed');
    const now = ctx.clock();
    const result = await retention.tickets.anonymise(ticket.number, now);
    if (result.done) {
      await ctx.audit.record({ at: now, actor: `operator:${operator.username}`, action: 'ticket_anonymise', ticket: ticket.number, detail: { photos: result.photos, messages: result.messages }, ip: request.ip });
    }
    return { ok: true, anonymisedAt: now };
  });
}
