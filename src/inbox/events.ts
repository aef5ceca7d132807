// Live updates for the inbox's event stream: a ticket changed, or a message
// joined its thread. Streams end when the service stops. Published on the bus
// (topic `inbox`), so an operator connected to any instance hears of it
// (README, "Live updates across instances").
import { z } from 'zod';
import { type Bus, localBus } from '../bus/bus.js';

export const INBOX_TOPIC = 'inbox';

export interface InboxEvent {
  readonly type: 'ticket' | 'message' | 'reply' | 'presence';
  readonly number: string;
  /** Who may hear of it: agency operators hear only of their agency's tickets. */
  readonly agency?: string;
  readonly status?: string;
  readonly action?: string;
  /** `presence`: who (username and name) is viewing or typing, or left. */
  readonly operator?: string;
  readonly name?: string;
  readonly state?: string;
}

export type InboxEventListener = (event: InboxEvent) => void;

// What another instance published is checked like any input: a malformed event reaches no stream.
const inboxEvent = z.object({
  type: z.enum(['ticket', 'message', 'reply', 'presence']),
  number: z.string(),
  agency: z.string().optional(),
  status: z.string().optional(),
  action: z.string().optional(),
  operator: z.string().optional(),
  name: z.string().optional(),
  state: z.string().optional(),
});

export class InboxEvents {
  private readonly listeners = new Set<InboxEventListener>();
  private readonly closers = new Set<() => void>();
  private closed = false;

  constructor(private readonly bus: Bus = localBus()) {
    bus.subscribe(INBOX_TOPIC, (payload) => {
      const event = inboxEvent.safeParse(payload);
      if (event.success) this.deliver(event.data);
    });
  }

  /** Each stream registers how to end itself; `close()` (shutdown) ends them all, and later ones at once. */
  onClose(end: () => void): () => void {
    if (this.closed) {
      end();
      return () => undefined;
    }
    this.closers.add(end);
    return () => { this.closers.delete(end); };
  }

  close(): void {
    this.closed = true;
    for (const end of [...this.closers]) end();
    this.closers.clear();
  }

  subscribe(listener: InboxEventListener): () => void {
    this.listeners.add(listener);
    return () => { this.listeners.delete(listener); };
  }

  /** To every instance's streams (this one's at once). */
  publish(event: InboxEvent): void {
    const payload: Record<string, string> = {};
    for (const [key, value] of Object.entries(event)) if (typeof value === 'string') payload[key] = value;
    this.bus.publish(INBOX_TOPIC, payload);
  }

  /** To this instance's streams only (presence: each instance tells its own operators what changed in its view). */
  deliver(event: InboxEvent): void {
    for (const listener of this.listeners) {
      try {
        listener(event);
      } catch {
        // One broken stream must not keep the others from hearing.
      }
    }
  }

  get size(): number {
    return this.listeners.size;
  }
}
