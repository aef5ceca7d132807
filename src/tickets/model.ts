// The ticket as the rest of the system sees it: plain data, no framework.
// Field names follow the `tickets` collection contract in DESIGN.md.

export const TICKET_STATUSES = ['open', 'in_progress', 'resolved', 'closed', 'forwarded', 'rejected'] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];

/** `open311`: a request through the Open311 GeoReport v2 API (a city app, FixMyStreet, a 311 client). */
export const CHANNELS = ['whatsapp', 'telegram', 'email', 'webchat', 'phone', 'walk_in', 'open311'] as const;
export type Channel = (typeof CHANNELS)[number];

/** `merged`: the same problem as another ticket (`mergedInto`), whose reporter now follows that one. */
export const CLOSE_REASONS = ['confirmed', 'no_confirmation', 'merged'] as const;
export type CloseReason = (typeof CLOSE_REASONS)[number];

/** Who did something: `reporter`, `system:<job>`, `operator:<username>`, `agency:<code>/<username>`. */
export type Actor = 'reporter' | `system:${string}` | `operator:${string}` | `agency:${string}`;

export interface Reporter {
  name?: string;
  phone?: string;
  email?: string;
  address?: string;
  channelUserId?: string;
}

export interface Location {
  latitude?: number;
  longitude?: number;
  address?: string;
}

export interface AttachmentRef {
  fileId: string;
  sha256: string;
  contentType: string;
  size: number;
  filename?: string;
  /**
   * Shown on the ticket's public status page: the file shown (the original, or a copy with regions blacked out
   * by an operator), who marked it and when. Absent: the photo is seen by operators only.
   */
  public?: { fileId: string; at: Date; by: string };
}

/**
 * A citizen who reported the same problem again and joined this ticket instead of opening another (a nearby
 * duplicate they recognised, or a ticket an operator merged into this one). They hear its milestones and its
 * confirmation question on their own channel, like the reporter.
 */
export interface Follower {
  channel: Channel;
  channelUserId?: string;
  name?: string;
  phone?: string;
  email?: string;
  address?: string;
  at: Date;
  via: 'nearby' | 'merge';
  /** Their own description of the problem, kept on the ticket (their messages are in the thread too). */
  description?: string;
  attachments?: AttachmentRef[];
  location?: Location;
  /** The conversation session whose messages join this ticket's thread. */
  intake?: { messageId: string; conversationKey: string; session: number };
  /** The ticket they had opened, when an operator merged it into this one. */
  fromTicket?: string;
}

/** The citizen's rating after a confirmed close: 1 (very unhappy) to 5 (very happy). */
export interface Satisfaction {
  score: 1 | 2 | 3 | 4 | 5;
  at: Date;
  /** Who rated: the reporter, or a follower (by channel id). */
  by: 'reporter' | `follower:${string}`;
}

export interface HistoryEntry {
  at: Date;
  actor: Actor;
  action: string;
  from: TicketStatus | null;
  to: TicketStatus;
  note?: string;
  /** The agency the ticket went to (creation, transfer), and the one it came from (transfer). */
  agency?: string;
  fromAgency?: string;
  /** The other ticket of a merge (`merge`, `merge_in`) or of a split (`unmerge`, `split_out`, `split_from`). */
  ticket?: string;
}

/** The agency's follow-up result, waiting for the central operator's validation. */
export interface AgencyResult {
  text: string;
  attachments: AttachmentRef[];
  at: Date;
  by: Actor;
}

/** Deadlines that are still pending; a field is removed once its moment has been handled. */
export interface Due {
  /** Tell the agency by email that the ticket is theirs (set on creation and on every transfer). */
  agencyNotice?: Date;
  firstResponse?: Date;
  firstResponseReminder?: Date;
  followUp?: Date;
  followUpReminder?: Date;
  /** Ask the reporter to confirm the result (set when it is validated). */
  confirmationRequest?: Date;
  confirmationReminder?: Date;
  autoClose?: Date;
  /** The reporter said "not solved" without a reason and was asked for one: reopened without it at this moment. */
  reopenReason?: Date;
  /** Tell the reporter that the ticket was closed for want of an answer (set by that closing, so a crash cannot lose it). */
  closeNotice?: Date;
  /**
   * Tell the reporter the milestone the last transition reached (taken up, transferred, forwarded, result
   * ready): set by that transition, so a crash right after it cannot lose the message; cleared by the next.
   */
  milestone?: Date;
}

/** Every deadline, for the transitions that clear them and the schema that stores them. */
export const DUE_FIELDS: readonly (keyof Due)[] = ['agencyNotice', 'firstResponse', 'firstResponseReminder', 'followUp', 'followUpReminder', 'confirmationRequest', 'confirmationReminder', 'autoClose', 'reopenReason', 'closeNotice', 'milestone'];

/** The moments a reporter is told about on their own channel (README, "Kept informed"), each switchable in `milestones`. */
export const MILESTONE_KINDS = ['takenUp', 'transferred', 'forwarded', 'resultReady'] as const;
export type MilestoneKind = (typeof MILESTONE_KINDS)[number];

/**
 * The agency's running SLA target, kept apart from `due` (whose moments jobs lease and clear once handled), so
 * the inbox can show it, colour it and sort by it until the next transition: when it started and when it ends.
 */
export interface RunningDeadline {
  kind: 'firstResponse' | 'followUp';
  start: Date;
  at: Date;
}

/** An operator's internal note on a ticket: never sent to the reporter. */
export interface InternalNote {
  at: Date;
  author: string;
  text: string;
}

export interface Ticket {
  number: string;
  status: TicketStatus;
  channel: Channel;
  reporter: Reporter;
  category: string;
  agency?: string;
  forwardedTo?: string;
  /**
   * The conversation that opened it: its inbound message (so a retried intake
   * cannot open a second ticket) and the session whose messages are its thread.
   */
  intake?: { messageId: string; conversationKey: string; session: number };
  description: string;
  attachments: AttachmentRef[];
  location?: Location;
  result?: AgencyResult;
  closeReason?: CloseReason;
  due: Due;
  deadline?: RunningDeadline;
  /**
   * The operator who works the ticket (a username), besides the agency that owns it: taken or assigned in
   * the inbox, cleared by a transfer. Not a step of the life cycle: changing it leaves `version` alone.
   */
  owner?: string;
  firstRespondedAt?: Date;
  resolvedAt?: Date;
  closedAt?: Date;
  reopenCount: number;
  /** SLA targets this ticket missed, for reports and the inbox; `key` makes recording one idempotent. */
  slaBreaches?: { kind: 'firstResponse' | 'followUp'; at: Date; agency?: string; key?: string }[];
  history: HistoryEntry[];
  /** Operators' internal notes (the inbox); not part of the life cycle, so adding one leaves `version` alone. */
  notes?: InternalNote[];
  /** Codes from the inbox's configured labels; like notes, not part of the life cycle. */
  labels?: string[];
  /** Citizens who reported the same problem and follow this ticket; `followerCount` is their number, for sorting. */
  followers?: Follower[];
  followerCount?: number;
  /** Closed as the same problem as this ticket (closeReason `merged`). */
  mergedInto?: string;
  /** The secret in the ticket's public status link (`/t/<number>?k=<token>`): unguessable, so numbers cannot be walked. */
  publicToken?: string;
  /**
   * The location as GeoJSON (`[longitude, latitude]`), set from `location` when it has coordinates: what the
   * 2dsphere index on MongoDB and nearby-duplicate search read. Typed addresses have none.
   */
  geo?: { type: 'Point'; coordinates: [number, number] };
  satisfaction?: Satisfaction;
  /** Personal data removed after the retention period (src/privacy/anonymise.ts): kept for statistics only. */
  anonymisedAt?: Date;
  /** The citizens' photos (not those marked public) deleted after the photo retention period. */
  photosRemovedAt?: Date;
  version: number;
  createdAt: Date;
  updatedAt: Date;
}
