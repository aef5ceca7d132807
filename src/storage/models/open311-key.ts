// The `open311_keys` collection: API keys an admin issued to Open311 clients
// (a city app, FixMyStreet). Only the key's SHA-256 is stored, as `_id`, so a
// request's key is checked with one look-up by key and a leaked database does
// not leak usable keys.
import { type Connection, type Model, Schema } from 'mongoose';

export interface Open311KeyDoc {
  /** SHA-256 of the key, hex. */
  _id: string;
  /** A short public handle shown in the inbox and the audit (the key's first characters are never stored). */
  id: string;
  label: string;
  createdBy: string;
  createdAt: Date;
  revokedAt?: Date;
  revokedBy?: string;
  lastUsedAt?: Date;
}

const open311KeySchema = new Schema<Open311KeyDoc>(
  {
    _id: { type: String, required: true },
    id: { type: String, required: true },
    label: { type: String, required: true },
    createdBy: { type: String, required: true },
    createdAt: { type: Date, required: true },
    revokedAt: Date,
    revokedBy: String,
    lastUsedAt: Date,
  },
  { collection: 'open311_keys', versionKey: false },
);
open311KeySchema.index({ id: 1 }, { unique: true });

export type Open311KeyModel = Model<Open311KeyDoc>;

export function open311KeyModel(connection: Connection): Open311KeyModel {
  return connection.models.Open311Key as Open311KeyModel | undefined ?? connection.model<Open311KeyDoc>('Open311Key', open311KeySchema);
}
