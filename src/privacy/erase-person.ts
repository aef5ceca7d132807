// What the DPO's erasure of one person (UU PDP 27/2022 art. 8, issue 17 item 2) does to each ticket, planned without
// the database: a ticket they reported loses its personal data as retention would take it (anonymise.ts), except
// that other citizens following it keep theirs (they still wait for its news); a ticket they only follow loses their
// follower entry's personal fields. Their photos go, or stay when the DPO decides so (`keep`: evidence of the
// problem, a pothole rather than a person), without their file names. Pure: the store applies each plan in one
// conditional update on `_id` (src/storage/person-erasure.ts).
import type { AttachmentRef, Follower, Ticket } from '../tickets/model.js';
import { anonymiseTicket, anonymousFollower, splitPhotos, type TicketAnonymisation } from './anonymise.js';

/** Every identity, phone and email of one person (a key expanded over merges and their tickets). */
export interface PersonMatch {
  readonly identities: readonly { readonly channel: string; readonly channelUserId: string }[];
  /** E.164. */
  readonly phones: readonly string[];
  /** Lowercase. */
  readonly emails: readonly string[];
}

export type PhotoDecision = 'remove' | 'keep';

interface Contact { channel?: string; channelUserId?: string; phone?: string; email?: string }

/** Whether a reporter or a follower is this person: by their account on the channel, their phone or their email. */
export function isPerson(contact: Contact, match: PersonMatch): boolean {
  if (contact.channelUserId && match.identities.some((i) => i.channel === contact.channel && i.channelUserId === contact.channelUserId)) return true;
  if (contact.phone && match.phones.includes(contact.phone)) return true;
  return contact.email !== undefined && contact.email !== '' && match.emails.includes(contact.email.toLowerCase());
}

export const isReporter = (ticket: Pick<Ticket, 'channel' | 'reporter'>, match: PersonMatch): boolean => isPerson({ channel: ticket.channel, ...ticket.reporter }, match);

/** A kept photo without the name it was sent with (a file name may be a person's: "KTP_budi.jpg"). */
const unnamed = ({ filename: _, ...ref }: AttachmentRef): AttachmentRef => ref;

/** The rating of a follower names them by their account: it keeps its score. */
function ratingOf(ticket: Ticket, erased: readonly Follower[]): Record<string, unknown> {
  const by = ticket.satisfaction?.by;
  if (!ticket.satisfaction || !erased.some((f) => f.channelUserId !== undefined && by === `follower:${f.channelUserId}`)) return {};
  return { satisfaction: { ...ticket.satisfaction, by: 'follower:anonymised' } };
}

/** The followers with this person's entries reduced to what statistics count; the photos those entries drop. */
function followersWithout(ticket: Ticket, match: PersonMatch, photos: PhotoDecision): { followers: Follower[]; erased: Follower[]; deletePhotos: string[] } {
  const erased: Follower[] = [];
  const deletePhotos: string[] = [];
  const followers = (ticket.followers ?? []).map((f) => {
    if (!isPerson(f, match)) return f;
    erased.push(f);
    if (photos === 'keep') return { ...anonymousFollower(f), ...(f.attachments ? { attachments: f.attachments.map(unnamed) } : {}) };
    const split = splitPhotos(f.attachments);
    deletePhotos.push(...split.remove);
    return { ...anonymousFollower(f), ...(split.keep.length > 0 ? { attachments: split.keep } : {}) };
  });
  return { followers, erased, deletePhotos };
}

/**
 * A ticket the person reported: anonymised (reporter blanked, description and notes redacted, location rounded,
 * conversation keys dropped) but its other followers keep their entries, and with `keep` the photos stay, unnamed.
 */
export function planReporterErasure(ticket: Ticket, match: PersonMatch, now: Date, photos: PhotoDecision): TicketAnonymisation {
  const base = anonymiseTicket(ticket, now);
  const others = followersWithout(ticket, match, photos);
  const set: Record<string, unknown> = { ...base.set, followers: others.followers };
  if (!ticket.followers) delete set.followers;
  // Other followers' ratings are their own: anonymiseTicket hid the rater, which the rating's count does not need either.
  if (photos === 'keep') {
    set.attachments = ticket.attachments.map(unnamed);
    if (ticket.photosRemovedAt === undefined) delete set.photosRemovedAt;
    return { set, unset: base.unset, deletePhotos: [] };
  }
  const ownPhotos = splitPhotos(ticket.attachments).remove;
  return { set, unset: base.unset, deletePhotos: [...ownPhotos, ...others.deletePhotos] };
}

/** A ticket the person follows (someone else reported it): their entries lose name, contacts, account, words, pin. Null: nothing of theirs. */
export function planFollowerErasure(ticket: Ticket, match: PersonMatch, photos: PhotoDecision): TicketAnonymisation | null {
  const { followers, erased, deletePhotos } = followersWithout(ticket, match, photos);
  if (erased.length === 0) return null;
  return { set: { followers, ...ratingOf(ticket, erased) }, unset: [], deletePhotos };
}
