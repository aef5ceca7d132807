// The `sessions` collection: inbox logins. `_id` is the sha256 of the token,
// so a stolen database dump holds no usable token and each request's check
// is a look-up by key.
import { type Connection, type Model, Schema } from 'mongoose';

export interface SessionDoc {
  _id: string;
  username: string;
  /** `cookie` sessions need the CSRF token on every change; `bearer` tokens (scripts) do not. */
  kind: 'cookie' | 'bearer';
  csrf: string;
  createdAt: Date;
  lastSeenAt: Date;
  expiresAt: Date;
}

const sessionSchema = new Schema<SessionDoc>(
  {
    _id: { type: String, required: true },
    username: { type: String, required: true },
    kind: { type: String, enum: ['cookie', 'bearer'], required: true },
    csrf: { type: String, required: true },
    createdAt: { type: Date, required: true },
    lastSeenAt: { type: Date, required: true },
    expiresAt: { type: Date, required: true },
  },
  { collection: 'sessions', versionKey: false },
);
sessionSchema.index({ username: 1 });
// No TTL index: FerretDB has none. Expired sessions are refused on read, an
// operator's old ones are removed at their next login, and the sessionCleanup
// job removes the rest.

export type SessionModel = Model<SessionDoc>;

export function sessionModel(connection: Connection): SessionModel {
  return connection.models.Session as SessionModel | undefined ?? connection.model<SessionDoc>('Session', sessionSchema);
}
