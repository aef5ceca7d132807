// The `idempotency` collection: one document per operator action sent with an
// Idempotency-Key, keyed by `_id` (the session's operator and the key), holding
// the first answer so that a repeat (double click, retry) gets it without acting again.
import { type Connection, type Model, Schema } from 'mongoose';

export interface IdempotencyDoc {
  _id: string;
  /** The method and path the key was first used for: the same key on another request is refused. */
  request: string;
  /** `pending` while the first request runs; `done` with its answer after. */
  state: 'pending' | 'done';
  status?: number;
  body?: string;
  contentType?: string;
  createdAt: Date;
  expiresAt: Date;
}

const idempotencySchema = new Schema<IdempotencyDoc>(
  {
    _id: { type: String, required: true },
    request: { type: String, required: true },
    state: { type: String, enum: ['pending', 'done'], required: true },
    status: Number,
    body: String,
    contentType: String,
    createdAt: { type: Date, required: true },
    expiresAt: { type: Date, required: true },
  },
  { collection: 'idempotency', versionKey: false },
);
// No TTL index (FerretDB has none): an expired key is treated as absent on read and swept by the store.
idempotencySchema.index({ expiresAt: 1 });

export type IdempotencyModel = Model<IdempotencyDoc>;

export function idempotencyModel(connection: Connection): IdempotencyModel {
  return connection.models.Idempotency as IdempotencyModel | undefined ?? connection.model<IdempotencyDoc>('Idempotency', idempotencySchema);
}
