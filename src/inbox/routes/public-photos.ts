// Publishing photos on a ticket's public status page (issue 16 item 3). An
// operator who may reply to the citizen marks a photo of the report or of the
// agency's result public, optionally with rectangles blacked out (faces,
// number plates, house numbers); the page then shows a freshly encoded copy,
// never the original file. Unmarking removes it from the page at once. Both
// are audited and each is one conditional update of the ticket.
import { z } from 'zod';
import { statusUrl } from '../../public/link.js';
import { publishableCopy, UnsupportedPhotoError } from '../../public/redact.js';
import { publicPhotoPath } from '../../public/view.js';
import type { PhotoPlace, PublicStore } from '../../storage/public-store.js';
import type { AttachmentRef, Ticket } from '../../tickets/model.js';
import { visibleTicket } from '../access.js';
import { operatorOf, requireOperator } from '../auth/guard.js';
import { can } from '../auth/roles.js';
import type { InboxApp, InboxContext } from '../context.js';
import { refuse } from '../errors.js';
import { idempotent } from '../idempotency.js';
import { ticketNumber } from '../schemas.js';

const PUBLISHABLE = ['image/jpeg', 'image/png'];
const MAX_REGIONS = 30;

const photoParams = z.strictObject({ number: ticketNumber, fileId: z.string().regex(/^[0-9a-f]{24}$/) });
const fraction = z.number().min(0).max(1);
const region = z.strictObject({ x: fraction, y: fraction, w: fraction.gt(0), h: fraction.gt(0) }).refine((r) => r.x + r.w <= 1.000_001 && r.y + r.h <= 1.000_001, 'the rectangle must lie within the photo');
const publishBody = z.strictObject({ regions: z.array(region).max(MAX_REGIONS).default([]) });

export interface PublicPhotoView {
  fileId: string;
  place: 'report' | 'result';
  /** The original, for operators (the inbox's photo route). */
  url: string;
  contentType: string;
  publishable: boolean;
  public?: { url: string; at: Date; by: string };
}

export interface PublicPhotosView {
  /** The ticket's public status page, as the citizen's messages give it. */
  statusUrl: string;
  photos: PublicPhotoView[];
}

function located(ticket: Ticket): { place: PhotoPlace; index: number; ref: AttachmentRef }[] {
  return [
    ...ticket.attachments.map((ref, index) => ({ place: 'attachments' as const, index, ref })),
    ...(ticket.result?.attachments ?? []).map((ref, index) => ({ place: 'result.attachments' as const, index, ref })),
  ];
}

function photosView(ctx: InboxContext, ticket: Ticket, token: string): PublicPhotosView {
  const linked = { number: ticket.number, publicToken: token };
  return {
    statusUrl: statusUrl(ctx.config, linked) ?? '',
    photos: located(ticket).map(({ place, ref }) => ({
      fileId: ref.fileId,
      place: place === 'attachments' ? 'report' : 'result',
      url: `/api/tickets/${ticket.number}/photos/${ref.fileId}`,
      contentType: ref.contentType,
      publishable: PUBLISHABLE.includes(ref.contentType),
      ...(ref.public ? { public: { url: publicPhotoPath(linked, ref.public.fileId), at: ref.public.at, by: ref.public.by } } : {}),
    })),
  };
}

export function publicPhotoRoutes(app: InboxApp, ctx: InboxContext, store: PublicStore): void {
  const guard = requireOperator(ctx.authenticator);

  app.get('/api/tickets/:number/public-photos', { schema: { tags: ['tickets'], summary: 'The ticket\'s public status link and which of its photos are public', params: z.strictObject({ number: ticketNumber }) }, preHandler: guard }, async (request) => {
    const ticket = await visibleTicket(ctx, operatorOf(request), request.params.number);
    return photosView(ctx, ticket, await ctx.tickets.publicToken(ticket));
  });

  app.post('/api/tickets/:number/photos/:fileId/public', {
    schema: { tags: ['tickets'], summary: 'Show a photo on the public status page, with optional black-out rectangles (fractions of the photo as shown)', params: photoParams, body: publishBody },
    preHandler: [guard, idempotent(ctx.idempotency)],
  }, async (request, reply) => {
    const operator = operatorOf(request);
    if (!can(operator, 'reply')) return refuse(reply, 'forbidden');
    const ticket = await visibleTicket(ctx, operator, request.params.number);
    const photo = located(ticket).find((p) => p.ref.fileId === request.params.fileId);
    if (!photo) return refuse(reply, 'not_found');
    const original = await ctx.attachments.read(photo.ref.fileId);
    if (!original) return refuse(reply, 'not_found');
    let copy: { bytes: Buffer; contentType: string };
    try {
      copy = publishableCopy(original.bytes, original.ref.contentType, request.body.regions);
    } catch (error) {
      if (error instanceof UnsupportedPhotoError) return refuse(reply, 'photo_not_publishable', { contentType: error.contentType });
      // A file that claims to be a JPEG but does not decode.
      return refuse(reply, 'photo_not_publishable', { contentType: original.ref.contentType });
    }
    const stored = await ctx.attachments.saveImage({ bytes: copy.bytes, filename: `publik-${ticket.number}`, source: 'public' });
    const published = { fileId: stored.fileId, at: ctx.clock(), by: operator.username };
    if (!(await store.setPhotoPublic(ticket.number, photo.place, photo.index, photo.ref.fileId, published))) return refuse(reply, 'stale_version');
    await ctx.audit.record({ at: published.at, actor: `operator:${operator.username}`, action: 'publish_photo', ticket: ticket.number, detail: { fileId: photo.ref.fileId, regions: request.body.regions.length }, ip: request.ip });
    return photosView(ctx, await ctx.tickets.get(ticket.number), await ctx.tickets.publicToken(ticket));
  });

  app.delete('/api/tickets/:number/photos/:fileId/public', {
    schema: { tags: ['tickets'], summary: 'Remove a photo from the public status page', params: photoParams },
    preHandler: [guard, idempotent(ctx.idempotency)],
  }, async (request, reply) => {
    const operator = operatorOf(request);
    if (!can(operator, 'reply')) return refuse(reply, 'forbidden');
    const ticket = await visibleTicket(ctx, operator, request.params.number);
    const photo = located(ticket).find((p) => p.ref.fileId === request.params.fileId);
    if (!photo) return refuse(reply, 'not_found');
    if (photo.ref.public) {
      if (!(await store.setPhotoPublic(ticket.number, photo.place, photo.index, photo.ref.fileId, undefined))) return refuse(reply, 'stale_version');
      await ctx.audit.record({ at: ctx.clock(), actor: `operator:${operator.username}`, action: 'unpublish_photo', ticket: ticket.number, detail: { fileId: photo.ref.fileId }, ip: request.ip });
    }
    return photosView(ctx, await ctx.tickets.get(ticket.number), await ctx.tickets.publicToken(ticket));
  });
}
