// A conversation's state: where it is in which flow and what it has
// collected. Plain data, stored in MongoDB between messages.
import type { AttachmentRef, TicketStatus } from '../tickets/model.js';
import type { LocationAnswer } from './answers.js';
import type { Locale } from './texts.js';

export interface FlowData {
  name?: string;
  phone?: string;
  email?: string;
  address?: string;
  category?: string;
  description?: string;
  photos?: AttachmentRef[];
  location?: LocationAnswer;
  question?: string;
  ticket_number?: string;
  /** An open ticket nearby that may be the same problem, as offered to the person (conversation/duplicates.ts). */
  duplicate?: DuplicateOffer;
}

/** What the person is shown of a nearby ticket: no personal data, the description already shortened. */
export interface DuplicateOffer {
  number: string;
  description: string;
  status: TicketStatus;
  /** Metres from the person's pin. */
  distance: number;
}

/** The identity a returning reporter is offered again. */
export interface Profile {
  name?: string;
  phone?: string;
  address?: string;
}

export interface ConversationState {
  /** Undefined while no flow runs (between reports). */
  flow?: string;
  step?: string;
  data: FlowData;
  /** Failed answers to the current question. */
  retries: number;
  locale: Locale;
  profile?: Profile;
  /** The last free-text answer (or its short first part, `draft`): a quick next message continues it (story.ts). */
  story?: { step: string; at: string; draft?: string };
  /** A question outside any flow that waits for a yes/no: has this ticket's problem been solved? */
  pendingConfirmation?: string;
  /**
   * An operator wrote to the person about this ticket: until `until` (ISO time) their messages join its thread;
   * `acknowledged` once their first answer to that operator message was thanked.
   */
  operatorChat?: { ticket: string; until: string; acknowledged?: boolean };
  /**
   * "Not solved", without a reason: the reason is asked for; the next message is
   * taken as it until `until` (ISO time), then the ticket reopens without one. See handlers/confirmation.ts.
   */
  reopenReason?: { ticket: string; until: string };
  /**
   * The ticket was closed on this person's "yes": how satisfied they are (1–5) is asked once; the next
   * message is read as the rating until `until` (ISO time); `nudged` once a "makasih" was answered. See handlers/satisfaction.ts.
   */
  pendingRating?: { ticket: string; until: string; nudged?: boolean };
  /** The privacy notice of `version` was shown at `at` (ISO time): see handlers/privacy.ts. */
  privacy?: { version: string; at: string };
}

export const idleState = (locale: Locale, profile?: Profile, pendingConfirmation?: string): ConversationState => ({
  data: {},
  retries: 0,
  locale,
  ...(profile ? { profile } : {}),
  ...(pendingConfirmation ? { pendingConfirmation } : {}),
});
