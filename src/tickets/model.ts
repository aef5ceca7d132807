// The ticket as the rest of the system sees it: plain data, no framework.
// Field names follow the `tickets` collection contract in DESIGN.md.

export const TICKET_STATUSES = ['open', 'in_progress', 'resolved', 'closed', 'forwarded', 'rejected'] as const;
export type TicketStatus = (typeof TICKET_STATUSES)[number];

export const CHANNELS = ['whatsapp', 'telegram', 'email', 'webchat', 'phone', 'walk_in'] as const;
export type Channel = (typeof CHANNELS)[number];

export const CLOSE_REASONS = ['confirmed', 'no_confirmation'] as const;
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
  version: number;
  createdAt: Date;
  updatedAt: Date;
}
