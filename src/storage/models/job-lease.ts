// The `job_leases` collection: which instance runs a job right now.
import { type Connection, type Model, Schema } from 'mongoose';

export interface JobLeaseDoc {
  _id: string;
  owner: string;
  until: Date;
  lastRunAt?: Date;
}

const jobLeaseSchema = new Schema<JobLeaseDoc>({ _id: String, owner: String, until: Date, lastRunAt: Date }, { collection: 'job_leases', versionKey: false });

export function jobLeaseModel(connection: Connection): Model<JobLeaseDoc> {
  return connection.models.JobLease as Model<JobLeaseDoc> | undefined ?? connection.model<JobLeaseDoc>('JobLease', jobLeaseSchema);
}
