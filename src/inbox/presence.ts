// Presence (issue 15 item 1): who has a ticket open or is typing a reply. Kept in
// memory by each instance, each mark expiring after `ttlMs` unless renewed (the
// ticket view renews every 10 s); every instance hears every mark (shared-presence.ts).
export type PresenceState = 'viewing' | 'typing' | 'left';

interface Mark { readonly name: string; readonly state: Exclude<PresenceState, 'left'>; readonly until: number }

export interface PresenceEntry { readonly username: string; readonly name: string; readonly state: 'viewing' | 'typing' }

export class Presence {
  private readonly byTicket = new Map<string, Map<string, Mark>>();

  constructor(private readonly ttlMs = 30_000, private readonly now: () => number = Date.now) {}

  /** Records a mark; true when it changed what others see (a new state), so the caller publishes it. */
  mark(ticket: string, username: string, name: string, state: PresenceState): boolean {
    const marks = this.byTicket.get(ticket) ?? new Map<string, Mark>();
    const before = this.live(marks.get(username));
    if (state === 'left') {
      marks.delete(username);
    } else {
      // Typing lasts a short while unless renewed; viewing the full time.
      marks.set(username, { name, state, until: this.now() + (state === 'typing' ? Math.min(this.ttlMs, 8_000) : this.ttlMs) });
      this.byTicket.set(ticket, marks);
    }
    if (marks.size === 0) this.byTicket.delete(ticket);
    return (before?.state ?? 'left') !== state;
  }

  /** Who is on the ticket now, apart from `except`. */
  on(ticket: string, except?: string): PresenceEntry[] {
    const marks = this.byTicket.get(ticket);
    if (!marks) return [];
    const out: PresenceEntry[] = [];
    for (const [username, mark] of marks) {
      if (!this.live(mark)) {
        marks.delete(username);
        continue;
      }
      if (username !== except) out.push({ username, name: mark.name, state: mark.state });
    }
    if (marks.size === 0) this.byTicket.delete(ticket);
    return out;
  }

  private live(mark: Mark | undefined): Mark | undefined {
    return mark && mark.until > this.now() ? mark : undefined;
  }
}
