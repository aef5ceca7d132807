// What the ticket service needs from storage. The MongoDB implementation is
// in src/storage/; the service itself knows no database library.
import type { Due, Follower, Satisfaction, Ticket, TicketStatus } from './model.js';
import type { NearbyCandidate, NearbyQuery } from './nearby.js';
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
   * Takes a deadline as a lease: if it is still due and the ticket still in
   * `status`, moves it to `leaseUntil` in one atomic update and returns the
   * ticket as updated (so one caller gets it). The deadline comes due again
   * when the lease ends, unless `clearDue` removed it. The version is left alone.
   */
  takeDue(number: string, field: keyof Due, status: TicketStatus, now: Date, leaseUntil: Date): Promise<Ticket | null>;
  /** Removes a deadline taken with `takeDue`, only if it still holds that lease; false when it does not. */
  clearDue(number: string, field: keyof Due, leaseUntil: Date, now: Date): Promise<boolean>;
  /** Sets a deadline on a ticket that is still in `status` (version left alone); false when it is not. */
  setDue(number: string, field: keyof Due, status: TicketStatus, at: Date, now: Date): Promise<boolean>;
  /** Sets the public status token of a ticket that has none; returns the token it has afterwards (undefined: no such ticket). */
  setPublicToken(number: string, token: string): Promise<string | undefined>;
  /**
   * Tickets of the query's category and statuses created since `since` near `center`: every one within the radius,
   * perhaps a few beyond it (the caller measures exactly, nearby.ts), newest first, at most `limit`.
   */
  nearby(query: NearbyQuery): Promise<NearbyCandidate[]>;
  /**
   * Adds a follower (and counts it) to a ticket still in one of `statuses`, in one update, once per intake message:
   * `added`; `already` when that message added them before (a retry); `gone` when there is no such ticket in those statuses.
   */
  addFollower(number: string, follower: Follower, statuses: readonly TicketStatus[], now: Date): Promise<'added' | 'already' | 'gone'>;
  /** Records a missed target once per `breach.key`; false when that key was recorded before. */
  recordBreach(number: string, breach: NonNullable<Ticket['slaBreaches']>[number] & { key: string }): Promise<boolean>;
  /**
   * Stores the citizen's rating if the ticket is closed as confirmed and has none yet, in one conditional
   * update (version left alone: not a step of the life cycle); false when it was not stored.
   */
  rate(number: string, satisfaction: Satisfaction): Promise<boolean>;
  /**
   * Applies the change only if the ticket still has the expected status and
   * version, in one atomic update that also bumps the version and appends the
   * history entry. Returns the updated ticket, or null if nothing matched.
   */
  applyChange(number: string, expected: { status: TicketStatus; version: number }, change: TicketChange, now: Date): Promise<Ticket | null>;
}
