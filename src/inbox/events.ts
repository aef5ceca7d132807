// Live updates for the inbox's event stream: a ticket changed, or a message
// joined its thread. Streams end when the service stops. In memory, per instance: an operator connected to
// another instance learns of the change on their next reload (see README).
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

export class InboxEvents {
  private readonly listeners = new Set<InboxEventListener>();
  private readonly closers = new Set<() => void>();
  private closed = false;

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
