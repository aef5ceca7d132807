// Presence across instances: every mark (a renewal too) goes out on the bus
// (topic `presence`) and each instance keeps its own copy of who is on which
// ticket (presence.ts). Each instance tells its own operators' streams when its
// copy changes, so a change is heard once per stream. Marks expire where they
// are kept: an operator whose instance dies stops being renewed and is gone
// from every other instance's copy within the mark's lifetime (30 s).
import { z } from 'zod';
import type { Bus } from '../bus/bus.js';
import type { InboxEvents } from './events.js';
import { type PresenceEntry, type PresenceState, Presence } from './presence.js';

export const PRESENCE_TOPIC = 'presence';

export interface PresenceMark {
  readonly number: string;
  readonly agency?: string;
  readonly operator: string;
  readonly name: string;
  readonly state: PresenceState;
}

const presenceMark = z.object({ number: z.string(), agency: z.string().optional(), operator: z.string(), name: z.string(), state: z.enum(['viewing', 'typing', 'left']) });

export class SharedPresence {
  constructor(private readonly bus: Bus, private readonly events: InboxEvents, private readonly presence = new Presence()) {
    bus.subscribe(PRESENCE_TOPIC, (payload) => {
      const mark = presenceMark.safeParse(payload);
      if (mark.success) this.apply(mark.data);
    });
  }

  /** Records the mark here at once and on every other instance within a poll. */
  mark(mark: PresenceMark): void {
    const { agency, ...rest } = mark;
    this.bus.publish(PRESENCE_TOPIC, { ...rest, ...(agency ? { agency } : {}) });
  }

  /** Who is on the ticket, on any instance, apart from `except`. */
  on(ticket: string, except?: string): PresenceEntry[] {
    return this.presence.on(ticket, except);
  }

  private apply({ number, agency, operator, name, state }: PresenceMark): void {
    if (this.presence.mark(number, operator, name, state)) {
      this.events.deliver({ type: 'presence', number, ...(agency ? { agency } : {}), operator, name, state });
    }
  }
}
