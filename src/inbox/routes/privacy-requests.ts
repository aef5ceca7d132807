// Citizens' requests about their personal data, for the data protection officer (UU PDP 27/2022: the controller
// answers within 3×24 hours for erasure, access and correction): the open ones oldest first, the closed ones newest
// first, and closing one with its outcome, which tells the citizen on the channel they asked on. Unmasked: the DPO
// needs the account to find the person.
import { z } from 'zod';
import { dataRequestClosedNotice } from '../../conversation/handlers/data-request-notices.js';
import { DATA_REQUEST_OUTCOMES, type DataRequestDoc, type DataRequestOutcome } from '../../storage/models/data-request.js';
import type { PrivacyRequestStore } from '../../storage/privacy-request-store.js';
import { operatorOf, requireOperator } from '../auth/guard.js';
import type { InboxApp, InboxContext } from '../context.js';
import { invalid, refuse } from '../errors.js';
import { idempotent } from '../idempotency.js';
import { requestView } from '../privacy-views.js';

const LIMIT = 200;

const referenceParams = z.strictObject({ reference: z.string().regex(/^PD-[A-Z0-9]{4,12}$/, 'expected a reference like PD-7K3Q9M') });
const listQuery = z.strictObject({ status: z.enum(['open', 'closed']).default('open') });
const closeBody = z.strictObject({ outcome: z.enum(DATA_REQUEST_OUTCOMES), note: z.string().trim().max(1_000).default('') });

/**
 * Tells the citizen (once: the notice's key) and closes the request; the outbox ids of what was sent. Told first: a
 * crash in between leaves an open request, whose next close sends nothing twice. A request whose account was
 * erased already is closed without a message (there is nobody to send it to).
 */
export async function closeAndTell(ctx: InboxContext, requests: PrivacyRequestStore, request: DataRequestDoc, outcome: DataRequestOutcome, note: string, actor: string, photosKept = false): Promise<string[]> {
  const notice = dataRequestClosedNotice(request.reference, request.outcome ?? outcome, request.note ?? note, photosKept);
  const sent = request.channelUserId === '' ? [] : await ctx.router.notify({ channel: request.channel, channelUserId: request.channelUserId }, notice, { key: `data-request:${request.reference}:closed` });
  if (request.status === 'open') await requests.close(request._id, outcome, note, actor, ctx.clock());
  return sent;
}

export function privacyRequestRoutes(app: InboxApp, ctx: InboxContext, requests: PrivacyRequestStore): void {
  const guard = requireOperator(ctx.authenticator, 'personalData');

  app.get('/api/privacy/requests', { schema: { tags: ['privacy'], summary: "Citizens' data requests: open ones oldest first, closed ones newest first (at most 200)", querystring: listQuery }, preHandler: guard }, async (request, reply) => {
    const list = await requests.list(request.query.status, LIMIT);
    return reply.header('cache-control', 'no-store').send({ requests: list.map(requestView) });
  });

  app.post('/api/privacy/requests/:reference/close', { schema: { tags: ['privacy'], summary: 'Close a data request with its outcome; the citizen is told on their channel', params: referenceParams, body: closeBody }, preHandler: [guard, idempotent(ctx.idempotency)] }, async (request, reply) => {
    const operator = operatorOf(request);
    const { outcome, note } = request.body;
    if (outcome === 'refused' && note === '') return invalid(reply, [{ field: 'note', problem: 'required' }]);
    const found = await requests.byReference(request.params.reference);
    if (!found) return refuse(reply, 'request_not_found');
    if (found.status === 'closed') return refuse(reply, 'request_closed');
    await closeAndTell(ctx, requests, found, outcome, note, `operator:${operator.username}`);
    const closed = await requests.byReference(request.params.reference);
    if (!closed) return refuse(reply, 'request_not_found');
    await ctx.audit.record({ at: ctx.clock(), actor: `operator:${operator.username}`, action: 'privacy_request_close', detail: { reference: closed.reference, outcome: closed.outcome ?? outcome }, ip: request.ip });
    return { request: requestView(closed) };
  });
}
