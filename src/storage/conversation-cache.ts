// What this process last saved of each conversation, so taking its lease for
// the next message needs no read: the lease is taken on the condition that the
// document still carries the revision this process wrote (`rev`, a new token
// with every save). Anyone else's save changes it and the condition fails; the
// store then takes the lease as before and reads the document. A conversation
// deleted meanwhile (retention, an erasure) is not brought back from here: the
// lease's upsert then creates a fresh one, which is what a read would have found.
import type { ConversationRecord } from '../conversation/ports.js';

export class SavedConversations {
  private readonly entries = new Map<string, { readonly rev: string; readonly record: ConversationRecord }>();

  /** `limit`: conversations remembered; the longest-quiet is forgotten first. */
  constructor(private readonly limit = 10_000) {}

  /** The revision this process saved last and a copy of what it saved (the caller may not change the one kept). */
  get(key: string): { rev: string; record: ConversationRecord } | undefined {
    const entry = this.entries.get(key);
    return entry && { rev: entry.rev, record: structuredClone(entry.record) };
  }

  remember(key: string, rev: string, record: ConversationRecord): void {
    this.entries.delete(key); // re-inserted last: the map's order is the order of use
    this.entries.set(key, { rev, record: structuredClone(record) });
    if (this.entries.size > this.limit) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
  }

  forget(key: string): void {
    this.entries.delete(key);
  }
}
