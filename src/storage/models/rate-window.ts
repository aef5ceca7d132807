// The `rate_windows` collection: one document per limit, key and fixed
// window (`_id` = `<limit>:<keyed hash of the key>:<window start>`), counting
// hits with one upsert. No person's phone, address or IP is stored: the key is
// an HMAC with this installation's secret (the document `_id: '~secret'`).
import { type Connection, type Model, Schema } from 'mongoose';

export interface RateWindowDoc {
  _id: string;
  n?: number;
  /** The window can no longer count once this has passed (two windows after its start). */
  expiresAt?: Date;
  /** Only in the `~secret` document. */
  secret?: string;
}

const rateWindowSchema = new Schema<RateWindowDoc>({ _id: String, n: Number, expiresAt: Date, secret: String }, { collection: 'rate_windows', versionKey: false });

// Ended windows go by themselves on MongoDB (FerretDB has no TTL index: the store sweeps them).
rateWindowSchema.index({ expiresAt: 1 }, { expireAfterSeconds: 0 });

export function rateWindowModel(connection: Connection): Model<RateWindowDoc> {
  return connection.models.RateWindow as Model<RateWindowDoc> | undefined ?? connection.model<RateWindowDoc>('RateWindow', rateWindowSchema);
}
