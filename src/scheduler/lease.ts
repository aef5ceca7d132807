// Job leases: before a tick, an instance takes the job's lease with one
// atomic update; a lease whose holder died expires and is taken over.
import type { Connection } from 'mongoose';
import { isDuplicateKeyError } from '../storage/errors.js';
import { jobLeaseModel } from '../storage/models/job-lease.js';

export interface JobLeases {
  take(job: string, owner: string, ms: number): Promise<boolean>;
  release(job: string, owner: string): Promise<void>;
}

export function mongoJobLeases(connection: Connection, clock: () => Date = () => new Date()): JobLeases {
  const leases = jobLeaseModel(connection);
  return {
    async take(job, owner, ms) {
      const now = clock();
      try {
        const doc = await leases.findOneAndUpdate(
          { _id: job, $or: [{ until: { $lt: now } }, { owner }] },
          { $set: { owner, until: new Date(now.getTime() + ms), lastRunAt: now } },
          { upsert: true, returnDocument: 'after' },
        );
        return doc.owner === owner;
      } catch (error) {
        if (isDuplicateKeyError(error)) return false; // held by another instance
        throw error;
      }
    },
    async release(job, owner) {
      await leases.updateOne({ _id: job, owner }, { $set: { until: new Date(0) } });
    },
  };
}
