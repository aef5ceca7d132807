// What a ticket keeps once its personal data is gone (UU PDP 27/2022: retention, and the DPO's erasure later):
// the facts statistics count (number, status, category, agency, channel, dates, SLA, history's steps, rating's
// score) and nothing that names, reaches or describes a person. Pure: it plans the update, the store applies it
// in one conditional update on `_id` (src/storage/retention-store.ts).
import type { AttachmentRef, Follower, HistoryEntry, Location, Ticket } from '../tickets/model.js';

/** The description of an anonymised ticket: a code, not a sentence (the UI translates it; texts live in the locales). */
export const REDACTED = '[anonymised]';

/** ~100 m: three decimals of a degree (111 m of latitude, less of longitude): still the right street block on a map. */
const COORDINATE_DECIMALS = 3;

export interface TicketAnonymisation {
  readonly set: Record<string, unknown>;
  readonly unset: readonly string[];
  /** Photos of citizens to delete from storage (not those shown publicly, already blacked out by an operator). */
  readonly deletePhotos: readonly string[];
}

const round = (value: number | undefined): number | undefined => (value === undefined ? undefined : Number(value.toFixed(COORDINATE_DECIMALS)));

/** Coordinates rounded to ~100 m; the typed address (a house) is dropped. */
function roundedLocation(location: Location | undefined): Location | undefined {
  if (location?.latitude === undefined || location.longitude === undefined) return undefined;
  return { latitude: round(location.latitude), longitude: round(location.longitude) };
}

/** Public photos stay (their public copy, blacked out by an operator, is what is shown); the rest go. */
export function splitPhotos(attachments: readonly AttachmentRef[] | undefined): { keep: AttachmentRef[]; remove: string[] } {
  const keep: AttachmentRef[] = [];
  const remove: string[] = [];
  for (const a of attachments ?? []) {
    if (a.public) {
      keep.push(a);
      // The original behind a blacked-out copy shows what was blacked out.
      if (a.public.fileId !== a.fileId) remove.push(a.fileId);
    } else {
      remove.push(a.fileId);
    }
  }
  return { keep, remove };
}

/** A follower as statistics see them: when and how they joined, on which channel; nothing that names them. */
export function anonymousFollower(follower: Follower): Follower {
  return { channel: follower.channel, at: follower.at, via: follower.via, ...(follower.fromTicket === undefined ? {} : { fromTicket: follower.fromTicket }) };
}

/**
 * History keeps its steps, dates, actors (operators, agencies) and agencies. Notes people wrote (operators, agencies,
 * the reporter's reason) may quote the citizen; those the system wrote are codes (routing: `agency DPUPR`, a
 * forwarding channel) that older entries need to say where the ticket went.
 */
function anonymousHistory(entry: HistoryEntry): HistoryEntry {
  if (entry.note === undefined || entry.actor.startsWith('system:') || /^agency [\w-]+$/.test(entry.note)) return entry;
  return { ...entry, note: REDACTED };
}

/**
 * The update that leaves the ticket without personal data:
 * - reporter blanked (the field stays, empty, so readers find an anonymous report),
 * - followers reduced to channel, date and how they joined (their count stays),
 * - description → REDACTED (the category says what it was about), location rounded to ~100 m without its address,
 * - operators' notes and history notes redacted (they may quote the citizen), the rating keeps its score only,
 * - the conversation keys (intake) dropped; the public status link keeps working (its page shows no personal data),
 * - citizens' photos removed unless public; the agency's result text and photos stay: the city's own account of
 *   its work, which the public status page already shows.
 */
export function anonymiseTicket(ticket: Ticket, now: Date): TicketAnonymisation {
  const photos = splitPhotos(ticket.attachments);
  const followerPhotos = (ticket.followers ?? []).flatMap((f) => splitPhotos(f.attachments).remove);
  const location = roundedLocation(ticket.location);
  const set: Record<string, unknown> = {
    reporter: {},
    description: REDACTED,
    attachments: photos.keep,
    history: ticket.history.map(anonymousHistory),
    anonymisedAt: now,
    photosRemovedAt: ticket.photosRemovedAt ?? now,
  };
  const unset: string[] = ['intake'];
  if (location) {
    set.location = location;
    set.geo = { type: 'Point', coordinates: [location.longitude, location.latitude] };
  } else {
    unset.push('location', 'geo');
  }
  if (ticket.followers) set.followers = ticket.followers.map(anonymousFollower);
  if (ticket.notes) set.notes = ticket.notes.map((n) => ({ at: n.at, author: n.author, text: REDACTED }));
  if (ticket.satisfaction) set.satisfaction = { score: ticket.satisfaction.score, at: ticket.satisfaction.at, by: ticket.satisfaction.by === 'reporter' ? 'reporter' : 'follower:anonymised' };
  return { set, unset, deletePhotos: [...photos.remove, ...followerPhotos] };
}

/** The photo retention step alone: citizens' photos go (unless public), everything else stays. */
export function removeTicketPhotos(ticket: Ticket, now: Date): TicketAnonymisation {
  const photos = splitPhotos(ticket.attachments);
  const set: Record<string, unknown> = { attachments: photos.keep, photosRemovedAt: now };
  const followerPhotos: string[] = [];
  if (ticket.followers?.some((f) => f.attachments !== undefined)) {
    set.followers = ticket.followers.map((f) => {
      if (!f.attachments) return f;
      const split = splitPhotos(f.attachments);
      followerPhotos.push(...split.remove);
      return { ...f, attachments: split.keep };
    });
  }
  return { set, unset: [], deletePhotos: [...photos.remove, ...followerPhotos] };
}
