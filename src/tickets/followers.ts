// Followers of a ticket as the merge and the split need them: which follower
// an operator means (a stable key), and what storage does to a ticket's
// followers. Adding and removing one is no step of the life cycle: the
// version stays, so an operator's open screen of the ticket stays valid.
import { createHash } from 'node:crypto';
import type { Follower, HistoryEntry, Ticket } from './model.js';
import type { NearbyCandidate, NearbyQuery } from './nearby.js';
import { type ReporterConversation, reporterConversation } from './reporter.js';

/** Where the bot can write to a follower: their conversation, or none (a phone or walk-in reporter of a merged ticket). */
export const followerConversation = (f: Pick<Follower, 'channel' | 'channelUserId'>): ReporterConversation | undefined =>
  reporterConversation({ channel: f.channel, reporter: f.channelUserId ? { channelUserId: f.channelUserId } : {} });

/** A ticket an operator may merge another into: where it is, whose it is, how many follow it. */
export type MergeCandidate = NearbyCandidate & Pick<Ticket, 'agency' | 'followerCount'>;

/** Picks one follower out of a ticket's list: the ticket they came from, else their channel account, else when they joined. */
export type FollowerMatch = { readonly fromTicket: string } | { readonly channel: Follower['channel']; readonly channelUserId: string } | { readonly at: Date };

export function followerMatch(follower: Follower): FollowerMatch {
  if (follower.fromTicket !== undefined) return { fromTicket: follower.fromTicket };
  if (follower.channelUserId !== undefined) return { channel: follower.channel, channelUserId: follower.channelUserId };
  return { at: follower.at };
}

export function followerMatches(follower: Follower, match: FollowerMatch): boolean {
  if ('fromTicket' in match) return follower.fromTicket === match.fromTicket;
  if ('channelUserId' in match) return follower.fromTicket === undefined && follower.channel === match.channel && follower.channelUserId === match.channelUserId;
  return follower.fromTicket === undefined && follower.channelUserId === undefined && follower.at.getTime() === match.at.getTime();
}

/** The key the inbox names a follower by (`POST …/followers/split`): the same match as a string. */
export function followerKey(follower: Follower): string {
  const match = followerMatch(follower);
  if ('fromTicket' in match) return `ticket:${match.fromTicket}`;
  if ('channelUserId' in match) return `${match.channel}:${match.channelUserId}`;
  return `at:${match.at.toISOString()}`;
}

/**
 * The same follower named without their channel account (a WhatsApp key holds the phone number): what an operator
 * who sees personal data masked gets as `key`, and what the audit keeps. Both names are accepted (`isFollowerNamed`).
 */
export const opaqueFollowerKey = (follower: Follower): string => `f:${createHash('sha256').update(followerKey(follower)).digest('hex').slice(0, 16)}`;

export const isFollowerNamed = (follower: Follower, key: string): boolean => followerKey(follower) === key || opaqueFollowerKey(follower) === key;

export interface FollowerStore {
  /**
   * Adds the followers a merge of ticket `from` brings, counts them and records `entry`, in one update, unless a
   * follower from `from` is there already (a retried merge): false then. Any status: a merge already decided is completed.
   */
  addMerged(number: string, from: string, followers: readonly Follower[], entry: HistoryEntry, now: Date): Promise<boolean>;
  /**
   * Removes the follower `match` picks, recounts and records `entry`, in one update conditional on the count read
   * (every change of the followers changes their count); false when no such follower is there.
   */
  remove(number: string, match: FollowerMatch, entry: HistoryEntry, now: Date): Promise<boolean>;
  /** Empties the follower list of a ticket merged into `into`, once they are on that one too; false when there was nothing to empty. */
  clearMerged(number: string, into: string, now: Date): Promise<boolean>;
  /** Tickets of the query's category and statuses near its point (as the conversation's nearby search: a box or a geo index), a few beyond. */
  nearby(query: NearbyQuery): Promise<MergeCandidate[]>;
  /** Records a history entry that is no step of the life cycle (`split_from`) unless one with that action is there; false then. */
  addHistoryOnce(number: string, entry: HistoryEntry, now: Date): Promise<boolean>;
}
