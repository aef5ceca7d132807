// A ticket as the public may see it (DESIGN.md: public surfaces read tickets
// through a view that carries no personal data). It is a whitelist: each
// field below is copied on purpose, so a field added to the ticket later
// stays private until someone adds it here. Left out on purpose: the
// reporter and the followers (only their number), the citizen's description
// (it often names people and addresses), internal notes, history notes and
// who acted, the owner, labels, SLA figures, photos nobody marked public, and
// an agency's result before the central operator has validated it.
import type { Config } from '../config/schema.js';
import type { Locale, Texts } from '../conversation/texts.js';
import type { AttachmentRef, HistoryEntry, Ticket, TicketStatus } from '../tickets/model.js';

export interface PublicPhoto {
  /** The path that serves it (relative to the site), with the ticket's token. */
  readonly url: string;
  readonly alt: string;
}

export interface PublicMilestone {
  readonly at: string;
  readonly step: string;
  readonly label: string;
}

export interface PublicTicket {
  readonly number: string;
  readonly category: { readonly code: string; readonly name: string };
  readonly status: { readonly code: TicketStatus; readonly label: string };
  readonly agency?: string;
  readonly forwardedTo?: { readonly name: string; readonly url?: string };
  readonly mergedInto?: string;
  /** How many other citizens reported the same problem and follow it (a count, never who). */
  readonly followers: number;
  readonly reportedAt: string;
  readonly updatedAt: string;
  readonly resolvedAt?: string;
  readonly closedAt?: string;
  /** Rounded to 3 decimals (about 110 m north–south, less east–west): the street, not the house. */
  readonly location?: { readonly latitude: number; readonly longitude: number };
  readonly milestones: readonly PublicMilestone[];
  readonly result?: { readonly text: string; readonly at: string; readonly photos: readonly PublicPhoto[] };
  readonly photos: readonly PublicPhoto[];
}

export type PublicViewConfig = Pick<Config, 'categories' | 'agencies' | 'forwarding'>;

export interface PublicViewOptions {
  readonly config: PublicViewConfig;
  readonly texts: Texts;
  readonly locale: Locale;
}

/** The steps of the life cycle the public page lists; any other history entry (an internal return to the agency, a future action) is left out. */
const PUBLIC_STEPS = new Set(['create', 'route', 'forward', 'reject', 'respond', 'submitResult', 'validate', 'confirm', 'reopen', 'closeNoConfirmation', 'merge', 'unmerge']);

/** A step the public sees: a transfer within the same agency (a corrected category) is not news. */
const isPublicStep = (entry: HistoryEntry): boolean => PUBLIC_STEPS.has(entry.action) && !(entry.action === 'route' && entry.agency === entry.fromAgency);

/** About 100 m: three decimals of a degree. */
export const roundCoordinate = (value: number): number => Math.round(value * 1_000) / 1_000;

/** The photo's public copy is what is served; the original's id never leaves the inbox. */
export const publicPhotoPath = (ticket: Pick<Ticket, 'number' | 'publicToken'>, fileId: string): string =>
  `/t/${encodeURIComponent(ticket.number)}/photos/${fileId}?k=${encodeURIComponent(ticket.publicToken ?? '')}`;

/** The public copies of the photos an operator marked public (the report's, then the result's). */
export function publicFileIds(ticket: Pick<Ticket, 'attachments' | 'result' | 'status'>): Set<string> {
  const refs = [...ticket.attachments, ...(resultIsPublic(ticket) ? (ticket.result?.attachments ?? []) : [])];
  return new Set(refs.flatMap((ref) => (ref.public ? [ref.public.fileId] : [])));
}

/** An agency's result is public once validated: before that the central operator may still send it back. */
const resultIsPublic = (ticket: Pick<Ticket, 'status'>): boolean => ticket.status === 'resolved' || ticket.status === 'closed';

export function publicTicketView(ticket: Ticket, { config, texts, locale }: PublicViewOptions): PublicTicket {
  const t = (key: string, vars?: Record<string, string | number>) => texts.t(locale, key, vars);
  const category = config.categories.find((c) => c.code === ticket.category);
  const agencyName = (code: string | undefined) => (code === undefined ? undefined : (config.agencies.find((a) => a.code === code)?.name ?? code));
  const forwarding = ticket.forwardedTo === undefined ? undefined : config.forwarding[ticket.forwardedTo];
  const photos = (refs: readonly AttachmentRef[], altKey: string): PublicPhoto[] =>
    refs.flatMap((ref) => (ref.public ? [ref.public.fileId] : [])).map((fileId, i) => ({ url: publicPhotoPath(ticket, fileId), alt: t(altKey, { number: ticket.number, index: i + 1 }) }));
  const agency = agencyName(ticket.agency);
  const { latitude, longitude } = ticket.location ?? {};
  const result = resultIsPublic(ticket) ? ticket.result : undefined;
  return {
    number: ticket.number,
    category: { code: ticket.category, name: category ? (category.name[locale] ?? category.name.id) : ticket.category },
    status: { code: ticket.status, label: t(`status.labels.${ticket.status}`) },
    ...(agency !== undefined && ticket.status !== 'forwarded' ? { agency } : {}),
    ...(ticket.forwardedTo !== undefined ? { forwardedTo: { name: forwarding?.name ?? ticket.forwardedTo, ...(forwarding?.url ? { url: forwarding.url } : {}) } } : {}),
    ...(ticket.mergedInto !== undefined ? { mergedInto: ticket.mergedInto } : {}),
    followers: ticket.followerCount ?? ticket.followers?.length ?? 0,
    reportedAt: ticket.createdAt.toISOString(),
    updatedAt: ticket.updatedAt.toISOString(),
    ...(ticket.resolvedAt ? { resolvedAt: ticket.resolvedAt.toISOString() } : {}),
    ...(ticket.closedAt ? { closedAt: ticket.closedAt.toISOString() } : {}),
    ...(typeof latitude === 'number' && typeof longitude === 'number' ? { location: { latitude: roundCoordinate(latitude), longitude: roundCoordinate(longitude) } } : {}),
    milestones: ticket.history.filter(isPublicStep).map((entry) => milestone(entry, { t, agencyName, forwarding: forwarding?.name ?? ticket.forwardedTo ?? '' })),
    ...(result ? { result: { text: result.text, at: result.at.toISOString(), photos: photos(result.attachments, 'public.ticket.result_photo_alt') } } : {}),
    photos: photos(ticket.attachments, 'public.ticket.photo_alt'),
  };
}

function milestone(entry: HistoryEntry, words: { t: (key: string, vars?: Record<string, string>) => string; agencyName: (code: string | undefined) => string | undefined; forwarding: string }): PublicMilestone {
  // Names of places only: the agency a transfer went to, the national channel; never the actor or the note.
  const vars = { agency: words.agencyName(entry.agency) ?? '', channel: words.forwarding };
  return { at: entry.at.toISOString(), step: entry.action, label: words.t(`public.step.${entry.action}`, vars) };
}
