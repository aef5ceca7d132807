// The state of each part of the service, as `/healthz` reports it. Channels
// register themselves and update their state; the database is probed live.

export type ComponentStatus = 'starting' | 'up' | 'down' | 'disabled';

export interface ComponentState {
  readonly status: ComponentStatus;
  readonly since: string;
  readonly detail?: Readonly<Record<string, unknown>>;
  readonly lastError?: string;
  /** A receiver one instance runs (Telegram polling, IMAP, WhatsApp Web): whether this one does; a standby is healthy. */
  readonly receiving?: boolean;
}

export class HealthRegistry {
  private readonly components = new Map<string, ComponentState>();

  set(name: string, status: ComponentStatus, extra: { detail?: Record<string, unknown>; lastError?: string; receiving?: boolean } = {}): void {
    const previous = this.components.get(name);
    const since = previous?.status === status ? previous.since : new Date().toISOString();
    this.components.set(name, { status, since, ...extra });
  }

  snapshot(): Record<string, ComponentState> {
    return Object.fromEntries(this.components);
  }
}
