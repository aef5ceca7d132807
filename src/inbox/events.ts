// Live updates for the inbox's event stream: a ticket changed, or a message
// joined its thread. In memory, per instance: an operator connected to
// another instance learns of the change on their next reload (see README).
export interface InboxEvent {
  readonly type: 'ticket' | 'message' | 'reply';
  readonly number: string;
  /** Who may hear of it: agency operators hear only of their agency's tickets. */
  readonly agency?: string;
  readonly status?: string;
  readonly action?: string;
}

export type InboxEventListener = (event: InboxEvent) => void;

export class InboxEvents {
  private readonly listeners = new Set<InboxEventListener>();

  subscribe(listener: InboxEventListener): () => void {
    this.listeners.add(listener);
    return () => { this.listeners.delete(listener); };
  }

  publish(event: InboxEvent): void {
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
