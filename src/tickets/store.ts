// What the ticket service needs from storage. The MongoDB implementation is
// in src/storage/; the service itself knows no database library.
import type { Due, Ticket, TicketStatus } from './model.js';
import type { TicketChange } from './transitions.js';

export interface TicketStore {
  /** The next sequence number of a period (e.g. "2611"), starting at 1, unique across instances. */
  nextSequence(period: string): Promise<number>;
  insert(ticket: Ticket): Promise<Ticket>;
  findByNumber(number: string): Promise<Ticket | null>;
  findByIntakeMessage(messageId: string): Promise<Ticket | null>;
  /** Tickets in `status` whose deadline `field` has come, oldest first (an indexed sweep). */
  due(field: keyof Due, status: TicketStatus, now: Date, limit: number): Promise<Ticket[]>;
  /**
   * Takes a deadline: removes it if it is still due and the ticket still in
   * `status`, in one atomic update. Returns the ticket only to the one caller
   * that took it, so a notification tied to it is sent once.
   */
  takeDue(number: string, field: keyof Due, status: TicketStatus, now: Date): Promise<Ticket | null>;
  /** Sets a deadline again (a notice that could not be sent is retried at `at`). */
  setDue(number: string, field: keyof Due, at: Date): Promise<void>;
  recordBreach(number: string, breach: NonNullable<Ticket['slaBreaches']>[number]): Promise<void>;
  /**
   * Applies the change only if the ticket still has the expected status and
   * version, in one atomic update that also bumps the version and appends the
   * history entry. Returns the updated ticket, or null if nothing matched.
   */
  applyChange(number: string, expected: { status: TicketStatus; version: number }, change: TicketChange, now: Date): Promise<Ticket | null>;
}
