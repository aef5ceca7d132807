// Job leases in the `job_leases` collection: an instance takes a lease with
// one atomic update; a lease whose holder died expires and is taken over.
import type { Connection } from 'mongoose';
import type { JobLeases } from '../scheduler/lease.js';
import { isDuplicateKeyError } from './errors.js';
import { jobLeaseModel } from './models/job-lease.js';

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
