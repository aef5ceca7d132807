// The data protection officer's side of citizens' data requests (`data_requests`, recorded by the conversation:
// data-request-store.ts): list, find, close, and blank the account of an erased person. Closing is one conditional
// update (open → closed); blanking re-keys the request, as its `_id` is the inbound message's, which names the
// chat on some channels: the copy under a hashed key is inserted first, then the old one deleted (a crash in
// between leaves both, and the next erasure finishes: the insert is keyed, the delete by `_id`).
import { createHash } from 'node:crypto';
import type { Connection } from 'mongoose';
import { type DataRequestDoc, type DataRequestOutcome, dataRequestModel } from './models/data-request.js';

const DUPLICATE_KEY = 11000;

/** A one-way link between an erased person's requests (their account, hashed): nothing to read back. */
export const erasedAs = (channel: string, channelUserId: string): string => createHash('sha256').update(`${channel}:${channelUserId}`).digest('hex').slice(0, 24);

export interface PrivacyRequestStore {
  /** Open requests oldest first, closed ones newest first; at most `limit`. */
  list(status: 'open' | 'closed', limit: number): Promise<DataRequestDoc[]>;
  byReference(reference: string): Promise<DataRequestDoc | null>;
  /** The requests made from these accounts. */
  ofAccounts(accounts: readonly { channel: string; channelUserId: string }[], limit: number): Promise<DataRequestDoc[]>;
  /** Closes an open request; null when it was closed already (or is gone). */
  close(id: string, outcome: DataRequestOutcome, note: string, by: string, now: Date): Promise<DataRequestDoc | null>;
  /** Blanks the account of the request (kept, closed as `erased` if it was open, findable by reference); true when it was re-keyed now. */
  blank(request: DataRequestDoc, by: string, now: Date): Promise<boolean>;
}

export function mongoPrivacyRequestStore(connection: Connection): PrivacyRequestStore {
  const requests = dataRequestModel(connection);
  return {
    list: (status, limit) => requests.find({ status }).sort(status === 'open' ? { createdAt: 1 } : { closedAt: -1, createdAt: -1 }).limit(limit).lean<DataRequestDoc[]>(),
    byReference: (reference) => requests.findOne({ reference }).lean<DataRequestDoc>(),
    async ofAccounts(accounts, limit) {
      if (accounts.length === 0) return [];
      const filter: Record<string, unknown> = { $or: accounts.map(({ channel, channelUserId }) => ({ channel, channelUserId })) };
      return requests.find(filter).sort({ createdAt: 1 }).limit(limit).lean<DataRequestDoc[]>();
    },
    close: (id, outcome, note, by, now) =>
      requests.findOneAndUpdate({ _id: id, status: 'open' }, { $set: { status: 'closed', outcome, note, closedBy: by, closedAt: now } }, { returnDocument: 'after' }).lean<DataRequestDoc>(),
    async blank(request, by, now) {
      if (request.channelUserId === '') return false;
      const hash = erasedAs(request.channel, request.channelUserId);
      const { _id: oldId, ...rest } = request;
      const closed = request.status === 'open' ? { status: 'closed' as const, outcome: 'erased' as const, closedAt: now, closedBy: by } : {};
      const copy: DataRequestDoc = { ...rest, ...closed, _id: `erased:${createHash('sha256').update(oldId).digest('hex').slice(0, 24)}`, channelUserId: '', conversationKey: '', erasedAs: hash };
      try {
        await requests.create(copy);
      } catch (error) {
        if ((error as { code?: number }).code !== DUPLICATE_KEY) throw error;
      }
      return (await requests.deleteOne({ _id: oldId })).deletedCount === 1;
    },
  };
}
