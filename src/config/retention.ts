// How long personal data is kept (UU PDP 27/2022), per kind. The city's records officer sets the periods
// from its retention schedule (Jadwal Retensi Arsip); the defaults in config/default.yaml are a starting point.
import { z } from 'zod';
import { duration } from './fields.js';

export const retentionSettings = z.strictObject({
  /** After a ticket is finished (closed, rejected, forwarded): its personal data is removed, the ticket kept for statistics. */
  personalData: duration,
  /** After a ticket is finished: the citizens' photos (not those marked public) are deleted. */
  photos: duration,
  /** Messages that belong to no ticket (questions, reports left half-way) and their photos. */
  rawInbound: duration,
  /** Mail sent or given up on (agency notices, reports): its body holds names and addresses. */
  notices: duration,
  /** The operators' audit trail. */
  audit: duration,
  /** Tickets handled per run at most; the rest wait for the next run. */
  batch: z.number().int().min(1).max(10_000),
});

export type RetentionSettings = z.infer<typeof retentionSettings>;
