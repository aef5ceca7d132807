// `duplicates`: before a report's summary, an open ticket of the same category
// this close and this recent is offered to the citizen as "the same problem?"
// (README, "Same problem, many reporters").
import { z } from 'zod';
import { duration } from './fields.js';

export const duplicatesSettings = z
  .strictObject({
    enabled: z.boolean(),
    /** Metres from the citizen's pin to the ticket's. */
    radius: z.number({ error: 'expected a distance in metres, e.g. 50' }).positive().max(5_000, 'expected at most 5000 metres'),
    /** Only tickets created this recently (a duration like 30d). */
    within: duration,
  })
  .default({ enabled: true, radius: 50, within: 30 * 86_400_000 });

export type DuplicatesConfig = z.infer<typeof duplicatesSettings>;
