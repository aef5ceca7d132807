// Citizens' data requests on MongoDB. Recording is an insert keyed by the inbound message's id, and its audit
// entry an insert keyed by the request: a message processed again after a crash (between the two, or after
// both) adds neither twice, and still gets its audit entry.
import { createHash } from 'node:crypto';
import type { Connection } from 'mongoose';
import type { DataRequest, DataRequestLog } from '../conversation/data-requests.js';
import { auditModel } from './models/audit.js';
import { type DataRequestDoc, dataRequestModel } from './models/data-request.js';

const DUPLICATE_KEY = 11000;

export function mongoDataRequestStore(connection: Connection): DataRequestLog {
  const requests = dataRequestModel(connection);
  const audit = auditModel(connection);
  const fromDoc = ({ _id, ...rest }: DataRequestDoc): DataRequest => ({ id: _id, ...rest });
  const insertOnce = async (create: () => Promise<unknown>): Promise<void> => {
    try {
      await create();
    } catch (error) {
      if ((error as { code?: number }).code !== DUPLICATE_KEY) throw error;
    }
  };
  return {
    async record(request) {
      const { id, ...rest } = request;
      await insertOnce(() => requests.create({ _id: id, ...rest }));
      const stored = await requests.findById(id).lean<DataRequestDoc>();
      if (!stored) throw new Error('data request vanished after it was recorded');
      // The audit trail's `_id` sorts by time (audit-store.ts); the suffix makes it this request's one entry, hashed
      // as the message id may hold the person's account. No personal values: the channel and the reference only.
      const key = createHash('sha256').update(id).digest('hex').slice(0, 24);
      await insertOnce(() => audit.create({ _id: `${stored.createdAt.toISOString()}:data-request:${key}`, at: stored.createdAt, actor: 'system:conversation', action: 'data_request', detail: { kind: stored.kind, channel: stored.channel, reference: stored.reference } }));
      return fromDoc(stored);
    },
    async open(limit) {
      const docs = await requests.find({ status: 'open' }).sort({ createdAt: 1 }).limit(limit).lean<DataRequestDoc[]>();
      return docs.map(fromDoc);
    },
  };
}
