// Validation of a new ticket at the service boundary: whoever creates one
// (conversation, operator, API) gets the same checks and the same messages.
import { z } from 'zod';
import { CHANNELS } from './model.js';

export interface TicketLimits {
  readonly descriptionMaxChars: number;
  readonly photosPerTicket: number;
}

const optionalText = (max: number) =>
  z
    .string()
    .trim()
    .max(max)
    .optional()
    .transform((v) => (v === '' ? undefined : v));

const attachmentRef = z.object({
  fileId: z.string().min(1),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  contentType: z.string().min(1),
  size: z.number().int().positive(),
  filename: z.string().max(255).optional(),
});

export function newTicketSchema(limits: TicketLimits) {
  return z.object({
    channel: z.enum(CHANNELS),
    reporter: z.object({
      name: optionalText(120),
      phone: z.string().regex(/^\+\d{8,15}$/, 'expected an international number like +6281234567890').optional(),
      email: z.email().optional(),
      address: optionalText(500),
      channelUserId: optionalText(200),
    }),
    category: z.string().min(1),
    intake: z.object({ messageId: z.string().min(1).max(400), conversationKey: z.string().min(1).max(400), session: z.number().int().nonnegative() }).optional(),
    description: z.string().trim().min(1, 'must not be empty').max(limits.descriptionMaxChars),
    attachments: z.array(attachmentRef).max(limits.photosPerTicket, `at most ${limits.photosPerTicket} photos`).default([]),
    location: z
      .object({
        latitude: z.number().min(-90).max(90).optional(),
        longitude: z.number().min(-180).max(180).optional(),
        address: optionalText(500),
      })
      .refine((l) => (l.latitude === undefined) === (l.longitude === undefined), 'latitude and longitude go together')
      .optional(),
  });
}

export type NewTicketInput = z.input<ReturnType<typeof newTicketSchema>>;
export type NewTicket = z.output<ReturnType<typeof newTicketSchema>>;
