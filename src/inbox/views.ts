// What the API shows of a ticket, pure functions of stored data: a list row,
// and the full view with thread, photos (as authorised URLs), history, notes
// and the actions this operator may take now.
import type { MessageDoc } from '../storage/models/message.js';
import type { TicketListItem } from '../storage/inbox-store.js';
import type { AttachmentRef, Ticket } from '../tickets/model.js';
import { followerConversation, followerKey, opaqueFollowerKey } from '../tickets/followers.js';
import { reporterConversation } from '../tickets/reporter.js';
import { canTransition } from '../tickets/transitions.js';
import { allowedTransitions, can, type Operator } from './auth/roles.js';
import { deadlineView } from './deadline.js';
import { isOverdue } from './overdue.js';
import { maskPerson } from './masking.js';

const photoUrl = (number: string, ref: AttachmentRef) => `/api/tickets/${number}/photos/${ref.fileId}`;

const photoView = (number: string) => (ref: AttachmentRef) => ({ url: photoUrl(number, ref), contentType: ref.contentType, size: ref.size, ...(ref.filename ? { filename: ref.filename } : {}) });

export function ticketSummary(ticket: TicketListItem, now: Date) {
  return {
    number: ticket.number,
    status: ticket.status,
    channel: ticket.channel,
    category: ticket.category,
    agency: ticket.agency ?? null,
    forwardedTo: ticket.forwardedTo ?? null,
    reporterName: ticket.reporter.name ?? null,
    description: ticket.description.length > 160 ? `${ticket.description.slice(0, 157)}…` : ticket.description,
    photoCount: ticket.attachments.length,
    overdue: isOverdue(ticket, now),
    deadline: deadlineView(ticket, now),
    owner: ticket.owner ?? null,
    labels: ticket.labels ?? [],
    /** How many citizens reported it: the reporter and the followers ("Dilaporkan oleh 3 warga"). */
    citizens: 1 + (ticket.followerCount ?? 0),
    /** Closed as the same problem as this ticket (closeReason `merged`). */
    mergedInto: ticket.mergedInto ?? null,
    createdAt: ticket.createdAt,
    updatedAt: ticket.updatedAt,
    version: ticket.version,
  };
}

/** Where a reply stands, as operators need to see it: never "delivered" before the channel says so. */
export function deliveryState(message: Pick<MessageDoc, 'direction' | 'status' | 'deliveryStatus'>): 'received' | 'queued' | 'sent' | 'delivered' | 'read' | 'failed' | undefined {
  if (message.direction === 'in') return 'received';
  if (message.status === 'failed' || message.deliveryStatus === 'failed') return 'failed';
  if (message.deliveryStatus === 'read') return 'read';
  if (message.deliveryStatus === 'delivered') return 'delivered';
  if (message.status === 'sent') return 'sent';
  return 'queued';
}

/** `followers`: the name of each follower by their conversation, so their messages are told from the reporter's. */
export function threadView(number: string, messages: readonly MessageDoc[], followers: ReadonlyMap<string, string> = new Map()) {
  // An acknowledgement replaced before it went out ("Foto diterima (1/3)" of an album) was never seen by anyone.
  return messages.filter((m) => m.status !== 'superseded').map((m) => threadMessage(number, m, followers));
}

/** The followers' conversations and names (a merged ticket's reporter, a nearby duplicate): who wrote a message in the thread. */
function followerConversations(ticket: Ticket, masked: boolean): Map<string, string> {
  const names = new Map<string, string>();
  for (const f of ticket.followers ?? []) {
    const target = followerConversation(f);
    const shown = masked ? maskPerson({ ...f, channelUserId: target?.channelUserId }) : { ...f, channelUserId: target?.channelUserId };
    if (target) names.set(`${target.channel}:${target.channelUserId}`, f.name ?? shown.phone ?? shown.email ?? shown.channelUserId ?? '');
  }
  return names;
}

function threadMessage(number: string, m: MessageDoc, followers: ReadonlyMap<string, string>) {
  const delivery = deliveryState(m);
  return {
    id: m._id,
    direction: m.direction,
    at: m.at,
    text: m.text ?? '',
    // An agency's answer by email is theirs, not the reporter's.
    author: m.author ?? (m.agency ? `agency:${m.agency}` : m.direction === 'in' ? 'reporter' : 'bot'),
    // A follower's message, or a message to them (the news of a merge): whose, by name.
    ...(followers.has(m.conversationKey) ? { follower: followers.get(m.conversationKey) } : {}),
    photos: (m.photos ?? []).map(photoView(number)),
    ...(m.voice ? { voice: photoView(number)(m.voice) } : {}),
    ...(m.location ? { location: m.location } : {}),
    ...(m.unsupported ? { unsupported: m.unsupported } : {}),
    delivery,
    // The reason, whether the send failed or the channel reported the message undeliverable later.
    ...(delivery === 'failed' && m.lastError ? { error: m.lastError } : {}),
  };
}

/** `masked`: the operator's role sees personal fields masked (masking.ts); the UI offers "Tampilkan" for each. */
export function ticketDetail(ticket: Ticket, thread: readonly MessageDoc[], operator: Operator, now: Date, masked = false) {
  const photo = photoView(ticket.number);
  return {
    ...ticketSummary(ticket, now),
    description: ticket.description,
    reporter: masked ? maskPerson(ticket.reporter) : ticket.reporter,
    personalMasked: masked,
    location: ticket.location ?? null,
    photos: ticket.attachments.map(photo),
    result: ticket.result ? { text: ticket.result.text, at: ticket.result.at, by: ticket.result.by, photos: ticket.result.attachments.map(photo) } : null,
    due: ticket.due,
    slaBreaches: ticket.slaBreaches ?? [],
    closeReason: ticket.closeReason ?? null,
    firstRespondedAt: ticket.firstRespondedAt ?? null,
    resolvedAt: ticket.resolvedAt ?? null,
    closedAt: ticket.closedAt ?? null,
    /** Personal data removed (retention or an erasure request): the texts read `[anonymised]`, the UI says so in words. */
    anonymisedAt: ticket.anonymisedAt ?? null,
    history: ticket.history,
    notes: ticket.notes ?? [],
    followers: followersView(ticket, masked),
    // A follower's rating names their channel account: a masked viewer learns only that a follower rated.
    satisfaction: ticket.satisfaction && masked && ticket.satisfaction.by !== 'reporter' ? { ...ticket.satisfaction, by: 'follower:•••' } : (ticket.satisfaction ?? null),
    thread: threadView(ticket.number, thread, followerConversations(ticket, masked)),
    canReply: can(operator, 'reply') && reporterConversation(ticket) !== undefined,
    actions: allowedTransitions(operator).filter((a) => canTransition(ticket.status, a) && (a !== 'validate' && a !== 'returnToAgency' ? true : ticket.result !== undefined) && (a !== 'reopen' || ticket.closeReason !== 'merged')),
  };
}

/** The followers panel: who follows, since when, how they joined, what they reported; `key` names one to split out. */
function followersView(ticket: Ticket, masked: boolean) {
  const photo = photoView(ticket.number);
  return (ticket.followers ?? []).map((f) => ({ follower: f, shown: masked ? maskPerson(f) : f })).map(({ follower: f, shown }) => ({
    // A masked viewer's key names no channel account; splits and reveals accept either.
    key: masked ? opaqueFollowerKey(f) : followerKey(f),
    name: f.name ?? null,
    phone: shown.phone ?? null,
    email: shown.email ?? null,
    address: shown.address ?? null,
    channel: f.channel,
    at: f.at,
    via: f.via,
    fromTicket: f.fromTicket ?? null,
    description: f.description ?? null,
    photos: (f.attachments ?? []).map(photo),
    location: f.location ?? null,
    reachable: followerConversation(f) !== undefined,
  }));
}

/** Every photo a ticket's viewer may open: the report's, the result's, its followers' and the thread's. */
export function ticketPhotoIds(ticket: Ticket, thread: readonly MessageDoc[]): Set<string> {
  return new Set([...ticket.attachments, ...(ticket.result?.attachments ?? []), ...(ticket.followers ?? []).flatMap((f) => f.attachments ?? []), ...thread.flatMap((m) => [...(m.photos ?? []), ...(m.voice ? [m.voice] : [])])].map((p) => p.fileId));
}
