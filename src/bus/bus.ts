// Cross-instance signals: the port the inbox's live updates, presence and the
// web chat's long polls talk to. A signal is a hint that something changed
// (a ticket number, a conversation digest), never the data itself and never
// personal data: a listener that hears it reads the database as usual.
import { z } from 'zod';

/** Flat and small: ticket numbers, agency codes, statuses, operator usernames; no names of citizens, no contacts. */
export type SignalPayload = Readonly<Record<string, string | number | boolean>>;

export const signalPayload = z.record(z.string(), z.union([z.string().max(200), z.number(), z.boolean()]));

export type SignalListener = (payload: SignalPayload) => void;

export interface Bus {
  /** Local subscribers hear it at once (before this returns); other instances within about one poll interval. */
  publish(topic: string, payload: SignalPayload): void;
  subscribe(topic: string, listener: SignalListener): () => void;
}

/** The in-process half of every bus: topic → listeners, one broken listener keeping no other from hearing. */
export class LocalTopics {
  private readonly listeners = new Map<string, Set<SignalListener>>();

  subscribe(topic: string, listener: SignalListener): () => void {
    const set = this.listeners.get(topic) ?? new Set<SignalListener>();
    set.add(listener);
    this.listeners.set(topic, set);
    return () => { set.delete(listener); };
  }

  deliver(topic: string, payload: SignalPayload): void {
    for (const listener of this.listeners.get(topic) ?? []) {
      try {
        listener(payload);
      } catch {
        // One broken listener (a closed stream) must not keep the others from hearing.
      }
    }
  }
}

/** A bus for one process only: tests and tools that run no second instance. */
export function localBus(): Bus {
  const topics = new LocalTopics();
  return { publish: (topic, payload) => { topics.deliver(topic, payload); }, subscribe: (topic, listener) => topics.subscribe(topic, listener) };
}
