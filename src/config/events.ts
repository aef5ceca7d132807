// `events`: how instances on one database hear each other's live updates
// (src/bus/; README, "Live updates across instances").
import { z } from 'zod';
import { duration } from './fields.js';

export const eventsSettings = z
  .strictObject({
    /** How often each instance reads what the others published: another instance hears within about this long plus a write. */
    pollInterval: duration.refine((ms) => ms >= 20 && ms <= 5_000, 'expected between 20ms and 5s, e.g. 250ms'),
    /** How long a published event stays in the `events` collection (a reader needs it for one poll; the rest is slack). */
    keep: duration.refine((ms) => ms >= 10_000, 'expected at least 10s, e.g. 5m'),
  })
  .default({ pollInterval: 250, keep: 5 * 60_000 });

export type EventsConfig = z.infer<typeof eventsSettings>;
