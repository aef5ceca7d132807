// What the data protection officer's API answers about a person (contract: README "The data protection officer"),
// unmasked: finding, exporting and correcting a person is the DPO's job. Also what the export archive holds: the
// person's own fields of each ticket (another follower of the same ticket is left out).
import { isPerson } from '../privacy/erase-person.js';
import type { ExportPhoto } from '../privacy/export-archive.js';
import { photoPath } from '../privacy/export-archive.js';
import type { AuditDoc } from '../storage/models/audit.js';
import type { DataRequestDoc } from '../storage/models/data-request.js';
import type { MessageDoc } from '../storage/models/message.js';
import type { ResolvedPerson, TicketDoc } from '../storage/person-data-store.js';
import type { AttachmentRef } from '../tickets/model.js';

export interface PersonView {
  key: string;
  name?: string;
  phone?: string;
  email?: string;
  identities: { channel: string; channelUserId: string }[];
  tickets: number;
  lastSeenAt?: string;
}

const latest = (dates: readonly (Date | undefined)[]): Date | undefined => dates.reduce<Date | undefined>((a, d) => (d && (!a || d > a) ? d : a), undefined);

export function personView(p: ResolvedPerson): PersonView {
  const followerEntries = p.followed.flatMap((t) => (t.followers ?? []).filter((f) => isPerson(f, p.match)));
  const name = p.reported.find((t) => t.reporter.name)?.reporter.name ?? followerEntries.find((f) => f.name)?.name ?? p.conversations.find((c) => c.state?.profile?.name)?.state?.profile?.name;
  const seen = latest([...p.conversations.map((c) => c.lastActivityAt ?? c.updatedAt), ...p.reported.map((t) => t.createdAt), ...followerEntries.map((f) => f.at)]);
  return {
    key: p.key,
    ...(name ? { name } : {}),
    ...(p.match.phones[0] ? { phone: p.match.phones[0] } : {}),
    ...(p.match.emails[0] ? { email: p.match.emails[0] } : {}),
    identities: p.accounts.map(({ channel, channelUserId }) => ({ channel, channelUserId })),
    tickets: p.reported.length + p.followed.length,
    ...(seen ? { lastSeenAt: seen.toISOString() } : {}),
  };
}

export const requestView = (r: DataRequestDoc) => ({
  reference: r.reference,
  kind: r.kind,
  status: r.status,
  channel: r.channel,
  channelUserId: r.channelUserId,
  personKey: r.channelUserId ? `${r.channel}:${r.channelUserId}` : '',
  createdAt: r.createdAt.toISOString(),
  ...(r.closedAt ? { closedAt: r.closedAt.toISOString() } : {}),
  ...(r.outcome ? { outcome: r.outcome } : {}),
  ...(r.note ? { note: r.note } : {}),
});

export function ticketRows(p: ResolvedPerson) {
  const row = (t: TicketDoc, role: 'reporter' | 'follower') => ({
    number: t.number, status: t.status, role, category: t.category,
    ...(t.agency ? { agency: t.agency } : {}),
    createdAt: t.createdAt.toISOString(),
    ...(t.anonymisedAt ? { anonymisedAt: t.anonymisedAt.toISOString() } : {}),
  });
  return [...p.reported.map((t) => row(t, 'reporter')), ...p.followed.map((t) => row(t, 'follower'))];
}

const photoRef = (folder: string, a: AttachmentRef) => ({ file: photoPath({ folder, fileId: a.fileId, contentType: a.contentType }), contentType: a.contentType, size: a.size });

/** Their tickets as the archive holds them: what they reported and what the city did; internal notes and routing keys stay out. */
export function exportedTickets(p: ResolvedPerson) {
  const reported = p.reported.map((t) => ({
    number: t.number, role: 'reporter', status: t.status, channel: t.channel, category: t.category, agency: t.agency,
    reporter: t.reporter, description: t.description, location: t.location,
    photos: t.attachments.map((a) => photoRef(t.number, a)),
    history: t.history.map(({ at, action, from, to, agency }) => ({ at, action, from, to, ...(agency ? { agency } : {}) })),
    result: t.result ? { text: t.result.text, at: t.result.at } : undefined,
    closeReason: t.closeReason, satisfaction: t.satisfaction?.by === 'reporter' ? t.satisfaction : undefined,
    createdAt: t.createdAt, resolvedAt: t.resolvedAt, closedAt: t.closedAt, anonymisedAt: t.anonymisedAt,
    followers: (t.followers ?? []).filter((f) => isPerson(f, p.match)).map((f) => followerEntry(t.number, f)),
  }));
  const followed = p.followed.map((t) => ({
    number: t.number, role: 'follower', status: t.status, category: t.category, agency: t.agency, createdAt: t.createdAt, closedAt: t.closedAt,
    followers: (t.followers ?? []).filter((f) => isPerson(f, p.match)).map((f) => followerEntry(t.number, f)),
  }));
  return [...reported, ...followed];
}

function followerEntry(number: string, f: NonNullable<TicketDoc['followers']>[number]) {
  const { attachments, intake: _, ...rest } = f;
  return { ...rest, photos: (attachments ?? []).map((a) => photoRef(number, a)) };
}

export const exportedMessages = (messages: readonly MessageDoc[]) => messages.map((m) => ({
  at: m.receivedAt ?? m.at, direction: m.direction === 'in' ? 'from_you' : 'to_you', channel: m.channel,
  ...(m.text ? { text: m.text } : {}),
  ...(m.ticketNumber ? { ticket: m.ticketNumber } : {}),
  ...(m.photos ? { photos: m.photos.map((a) => photoRef(m.ticketNumber ?? 'messages', a).file) } : {}),
  ...(m.location ? { location: m.location } : {}),
  ...(m.contact ? { contact: m.contact } : {}),
  ...(m.sender ? { sender: m.sender } : {}),
}));

export const exportedConversations = (p: ResolvedPerson) => p.conversations.map((c) => ({
  channel: c.channel, account: c.channelUserId, createdAt: c.createdAt, lastActivityAt: c.lastActivityAt,
  ...(c.state ? { language: c.state.locale, profile: c.state.profile, answers: c.state.data, privacyNotice: c.state.privacy } : {}),
}));

export const exportedAudit = (entries: readonly AuditDoc[]) => entries.map(({ at, actor, action, ticket, detail }) => ({ at, actor, action, ticket, ...(detail ? { detail } : {}) }));

/** Every photo of theirs to put in the archive: of their tickets, their follower entries, their messages; each once. */
export function photosToExport(p: ResolvedPerson, messages: readonly MessageDoc[]): Omit<ExportPhoto, 'bytes'>[] {
  const out = new Map<string, Omit<ExportPhoto, 'bytes'>>();
  const add = (folder: string, a: AttachmentRef) => { if (!out.has(`${folder}/${a.fileId}`)) out.set(`${folder}/${a.fileId}`, { folder, fileId: a.fileId, contentType: a.contentType }); };
  for (const t of p.reported) for (const a of t.attachments) add(t.number, a);
  for (const t of [...p.reported, ...p.followed]) for (const f of t.followers ?? []) if (isPerson(f, p.match)) for (const a of f.attachments ?? []) add(t.number, a);
  for (const m of messages) for (const a of m.photos ?? []) add(m.ticketNumber ?? 'messages', a);
  return [...out.values()];
}
