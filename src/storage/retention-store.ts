// Retention of personal data (src/privacy/, README "Retention of personal data"): the storage side of the
// retention job, and the functions the DPO's erasure reuses. Each ticket is finished by ONE conditional update on
// `_id` (`anonymisedAt` absent) done last: its messages and photos go first, so a crash in between leaves the
// ticket selected again and the next run redoes what is left (every step is idempotent).
import type { Connection } from 'mongoose';
import { anonymiseTicket, removeTicketPhotos, type TicketAnonymisation } from '../privacy/anonymise.js';
import type { AttachmentRef, Ticket } from '../tickets/model.js';
import type { AttachmentStore } from './attachments.js';
import { cellsOf } from './geo-cells.js';
import { emailThreadModel } from './models/email.js';
import { geoCellModel } from './models/geo-cell.js';
import { type MessageDoc, messageModel } from './models/message.js';
import { ticketModel } from './models/ticket.js';
import { storedReporter } from './ticket-store.js';

/** Finished: nothing will happen to the ticket any more unless an operator reopens it. */
export const FINISHED_STATUSES = ['closed', 'rejected', 'forwarded'] as const;

export interface TicketRetentionCounts {
  tickets: number;
  photos: number;
  messages: number;
}

type TicketDoc = Ticket & { _id: string };

/** Tickets finished before `cutoff` (by `closedAt`, else their last change) still carrying what `marker` says is gone. */
function finishedBefore(cutoff: Date, marker: 'anonymisedAt' | 'photosRemovedAt'): Record<string, unknown> {
  return {
    status: { $in: FINISHED_STATUSES },
    [marker]: { $exists: false },
    $or: [{ closedAt: { $lte: cutoff } }, { closedAt: { $exists: false }, updatedAt: { $lte: cutoff } }],
  };
}

/** The messages of the ticket's thread: stamped with its number, and the intake sessions of reporter and followers. */
export function threadFilter(ticket: Pick<Ticket, 'number' | 'intake' | 'followers'>): Record<string, unknown> {
  const or: Record<string, unknown>[] = [{ ticketNumber: ticket.number }];
  if (ticket.intake) or.push({ conversationKey: ticket.intake.conversationKey, session: ticket.intake.session });
  for (const f of ticket.followers ?? []) if (f.intake) or.push({ conversationKey: f.intake.conversationKey, session: f.intake.session });
  return { $or: or };
}

export const filesOf = (message: Pick<MessageDoc, 'photos' | 'voice'>): string[] => [...(message.photos ?? []).map((p) => p.fileId), ...(message.voice ? [message.voice.fileId] : [])];

/**
 * Deletes the files nothing else still shows: another ticket (the same photo is stored once, by its sha256) or
 * a message still kept. `except`: the ticket being anonymised, whose own references go with it.
 */
export async function removeUnreferenced(connection: Connection, attachments: Pick<AttachmentStore, 'remove'>, except: string | undefined, fileIds: Iterable<string>): Promise<number> {
  const tickets = ticketModel(connection);
  const messages = messageModel(connection);
  let removed = 0;
  for (const fileId of new Set(fileIds)) {
    const refs = [{ 'attachments.fileId': fileId }, { 'attachments.public.fileId': fileId }, { 'followers.attachments.fileId': fileId }, { 'result.attachments.fileId': fileId }];
    const elsewhere = (await tickets.exists(except === undefined ? { $or: refs } : { _id: { $ne: except }, $or: refs }))
      ?? (await messages.exists({ $or: [{ 'photos.fileId': fileId }, { 'voice.fileId': fileId }] }));
    if (elsewhere === null && (await attachments.remove(fileId))) removed++;
  }
  return removed;
}

/** The nearby index (embedded database) lists the exact pin: the ticket leaves it (an anonymised ticket is offered to nobody). */
export async function leaveNearbyIndex(connection: Connection, ticket: Pick<TicketDoc, '_id' | 'location' | 'createdAt'>): Promise<void> {
  const { latitude, longitude } = ticket.location ?? {};
  if (latitude === undefined || longitude === undefined) return;
  const cells = geoCellModel(connection);
  for (const id of cellsOf({ latitude, longitude }, ticket.createdAt)) {
    // By the exact entry (FerretDB's $pull matches values, not conditions); a cell written meanwhile keeps its other entries.
    const entries = (await cells.findById(id).lean())?.tickets.filter((e) => e.number === ticket._id) ?? [];
    if (entries.length > 0) await cells.updateOne({ _id: id }, { $pullAll: { tickets: entries } });
  }
}

export interface TicketRetention {
  /** Anonymises tickets finished before `cutoff`, until `until` or `limit` tickets. */
  anonymiseFinished(cutoff: Date, now: Date, until: Date, limit: number): Promise<TicketRetentionCounts>;
  /** Deletes citizens' photos and voice notes of tickets finished before `cutoff` (not those marked public). */
  removeFinishedPhotos(cutoff: Date, now: Date, until: Date, limit: number): Promise<TicketRetentionCounts>;
  /** One ticket, now, whatever its age (the DPO's erasure): false when there is no such ticket or it is already anonymised. */
  anonymise(number: string, now: Date): Promise<{ done: boolean } & TicketRetentionCounts>;
}

export function mongoTicketRetention(connection: Connection, attachments: Pick<AttachmentStore, 'remove'>): TicketRetention {
  const tickets = ticketModel(connection);
  const messages = messageModel(connection);

  /** Applies a plan: messages (deleted, or their photos dropped), then files, then the ticket in one conditional update. */
  const apply = async (ticket: TicketDoc, plan: TicketAnonymisation, marker: 'anonymisedAt' | 'photosRemovedAt', whole: boolean): Promise<TicketRetentionCounts & { done: boolean }> => {
    const thread = threadFilter(ticket);
    const withFiles = { $and: [thread, { $or: [{ photos: { $exists: true } }, { voice: { $exists: true } }] }] };
    // A photo marked public stays, and the agency's result photos, also when a message of the thread refers to them.
    const keptRefs = [...((plan.set.attachments ?? []) as AttachmentRef[]), ...(ticket.result?.attachments ?? [])];
    const kept = new Set(keptRefs.flatMap((a) => [a.fileId, ...(a.public ? [a.public.fileId] : [])]));
    const threadFiles = (await messages.find(withFiles).select({ photos: 1, voice: 1 }).lean<MessageDoc[]>()).flatMap(filesOf).filter((id) => !kept.has(id));
    let messageCount: number;
    // Keys of inbound messages name the chat on some channels (Telegram), those of outbound ones the conversation:
    // a redacted copy would still carry them, so the thread is deleted; what the ticket was about stays on the ticket.
    if (whole) {
      messageCount = (await messages.deleteMany(thread)).deletedCount;
      // The mail thread of the ticket: the citizen's own subject line.
      await emailThreadModel(connection).deleteOne({ _id: `ticket:${ticket._id}` });
      await leaveNearbyIndex(connection, ticket);
    }
    else messageCount = (await messages.updateMany(withFiles, { $unset: { photos: 1, voice: 1 } })).modifiedCount;
    const photos = await removeUnreferenced(connection, attachments, ticket._id, [...plan.deletePhotos, ...threadFiles]);
    const update: Record<string, unknown> = { $set: plan.set };
    if (plan.unset.length > 0) update.$unset = Object.fromEntries(plan.unset.map((f) => [f, 1]));
    // Not a life-cycle step: `version` stays, so an operator's open screen is not invalidated by the night's job.
    const result = await tickets.updateOne({ _id: ticket._id, [marker]: { $exists: false }, status: ticket.status }, update);
    return { done: result.modifiedCount === 1, tickets: result.modifiedCount, photos, messages: messageCount };
  };

  const sweep = async (filter: Record<string, unknown>, until: Date, limit: number, each: (t: TicketDoc) => Promise<TicketRetentionCounts>) => {
    const counts: TicketRetentionCounts = { tickets: 0, photos: 0, messages: 0 };
    const due = await tickets.find(filter).sort({ closedAt: 1, _id: 1 }).limit(limit).lean<TicketDoc[]>();
    for (const doc of due) {
      // Half the lease at most (the caller's `until`): what is left waits for the next run.
      if (Date.now() >= until.getTime()) break;
      const c = await each({ ...doc, reporter: storedReporter(doc.reporter) });
      counts.tickets += c.tickets;
      counts.photos += c.photos;
      counts.messages += c.messages;
    }
    return counts;
  };

  return {
    anonymiseFinished: (cutoff, now, until, limit) => sweep(finishedBefore(cutoff, 'anonymisedAt'), until, limit, async (t) => {
      // Merged into a ticket that still has its personal data: its reporter follows that ticket, whose thread takes in
      // this one's messages; they go when that ticket is anonymised (this one waits for it).
      if (t.mergedInto !== undefined && (await tickets.exists({ _id: t.mergedInto, anonymisedAt: { $exists: false } })) !== null) return { tickets: 0, photos: 0, messages: 0 };
      return apply(t, anonymiseTicket(t, now), 'anonymisedAt', true);
    }),
    removeFinishedPhotos: (cutoff, now, until, limit) => sweep(finishedBefore(cutoff, 'photosRemovedAt'), until, limit, (t) => apply(t, removeTicketPhotos(t, now), 'photosRemovedAt', false)),
    async anonymise(number, now) {
      const doc = await tickets.findOne({ _id: number, anonymisedAt: { $exists: false } }).lean<TicketDoc>();
      if (!doc) return { done: false, tickets: 0, photos: 0, messages: 0 };
      const ticket = { ...doc, reporter: storedReporter(doc.reporter) };
      return apply(ticket, anonymiseTicket(ticket, now), 'anonymisedAt', true);
    },
  };
}
