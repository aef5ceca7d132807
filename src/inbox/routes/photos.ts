// Photos of a ticket, to those who may see the ticket, and the agency's
// result with its photos (multipart: it cannot be described as JSON).
import type { MultipartFile } from '@fastify/multipart';
import { z } from 'zod';
import { AttachmentRejectedError } from '../../storage/attachments.js';
import { issueOf } from '../../tickets/issues.js';
import type { AttachmentRef } from '../../tickets/model.js';
import { visibleTicket } from '../access.js';
import { detailFor } from '../detail.js';
import { idempotent } from '../idempotency.js';
import { operatorOf, requireOperator } from '../auth/guard.js';
import { actorOf, mayTransition } from '../auth/roles.js';
import type { InboxApp, InboxContext } from '../context.js';
import { invalid, notFound, refuse } from '../errors.js';
import { ticketNumber } from '../schemas.js';
import { ticketPhotoIds } from '../views.js';

const photoParams = z.strictObject({ number: ticketNumber, fileId: z.string().regex(/^[0-9a-f]{24}$/) });

export function photoRoutes(app: InboxApp, ctx: InboxContext): void {
  app.get('/api/tickets/:number/photos/:fileId', { schema: { tags: ['tickets'], summary: 'A photo of the ticket (report, result or thread)', params: photoParams }, preHandler: requireOperator(ctx.authenticator) }, async (request, reply) => {
    const operator = operatorOf(request);
    const ticket = await visibleTicket(ctx, operator, request.params.number);
    const thread = await ctx.inbox.thread(ticket, 1_000);
    if (!ticketPhotoIds(ticket, thread).has(request.params.fileId)) return notFound(reply);
    const stored = await ctx.attachments.open(request.params.fileId);
    if (!stored) return notFound(reply);
    return reply.type(stored.ref.contentType).header('cache-control', 'private, max-age=3600').header('x-content-type-options', 'nosniff').header('content-security-policy', "default-src 'none'").send(stored.stream);
  });

  app.post('/api/tickets/:number/result', {
    schema: { tags: ['tickets'], summary: 'The agency posts its result: multipart with `text`, optional `note`, `expectedVersion` and up to N `photo` files', params: z.strictObject({ number: ticketNumber }) },
    preHandler: [requireOperator(ctx.authenticator), idempotent(ctx.idempotency)],
  }, async (request, reply) => {
    const operator = operatorOf(request);
    if (!mayTransition(operator, 'submitResult')) return refuse(reply, 'forbidden', { action: 'submitResult' });
    const ticket = await visibleTicket(ctx, operator, request.params.number);
    if (!request.isMultipart()) return refuse(reply, 'multipart_required');
    const fields: Record<string, string> = {};
    const photos: AttachmentRef[] = [];
    const { photoMaxBytes, photosPerTicket } = ctx.config.limits;
    for await (const part of request.parts({ limits: { fileSize: photoMaxBytes + 1, files: photosPerTicket, fields: 5, fieldSize: 8_000 } })) {
      if (part.type === 'field') {
        fields[part.fieldname] = String(part.value);
        continue;
      }
      const problem = await storePhoto(ctx, part, photos);
      if (problem) return refuse(reply, 'bad_photo', problem);
    }
    const parsed = z.strictObject({ text: z.string().trim().min(1).max(4_000), note: z.string().trim().max(2_000).optional(), expectedVersion: z.coerce.number().int().nonnegative().optional() }).safeParse(fields);
    if (!parsed.success) return invalid(reply, parsed.error.issues.map((i) => issueOf(i)));
    const { text, note, expectedVersion } = parsed.data;
    const updated = await ctx.tickets.transition(ticket.number, 'submitResult', { text, attachments: photos }, { actor: actorOf(operator), ...(note ? { note } : {}), ...(expectedVersion === undefined ? {} : { expectedVersion }) });
    await ctx.audit.record({ at: ctx.clock(), actor: `operator:${operator.username}`, action: 'transition', ticket: ticket.number, detail: { action: 'submitResult', photos: photos.length }, ip: request.ip });
    return detailFor(ctx, updated, operator);
  });
}

/** Stores one photo (of the result, or of a phone intake); what was wrong with it otherwise, as the UI's details (the file's name and why). */
export async function storePhoto(ctx: InboxContext, part: MultipartFile, photos: AttachmentRef[]): Promise<{ filename: string; reason: string; limit?: number } | undefined> {
  let bytes: Buffer;
  try {
    bytes = await part.toBuffer();
  } catch {
    return { filename: part.filename, reason: 'too_large', limit: ctx.config.limits.photoMaxBytes };
  }
  try {
    photos.push(await ctx.attachments.saveImage({ bytes, filename: part.filename, source: 'inbox' }));
    return undefined;
  } catch (error) {
    if (error instanceof AttachmentRejectedError) return { filename: part.filename, reason: error.reason };
    throw error;
  }
}
