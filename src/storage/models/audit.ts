// The `audit` collection: one entry per operator action (login, reply, note,
// transition, user change), append-only. `_id` sorts by time.
import { type Connection, type Model, Schema } from 'mongoose';

export interface AuditDoc {
  _id: string;
  at: Date;
  /** `operator:<username>`, or `cli` for the user command. */
  actor: string;
  action: string;
  ticket?: string;
  /** What changed, without personal data (no reply texts, no passwords). */
  detail?: Record<string, unknown>;
  ip?: string;
}

const auditSchema = new Schema<AuditDoc>(
  {
    _id: { type: String, required: true },
    at: { type: Date, required: true },
    actor: { type: String, required: true },
    action: { type: String, required: true },
    ticket: String,
    detail: Schema.Types.Mixed,
    ip: String,
  },
  { collection: 'audit', versionKey: false },
);
auditSchema.index({ ticket: 1, at: 1 });
auditSchema.index({ actor: 1, at: -1 });

export type AuditModel = Model<AuditDoc>;

export function auditModel(connection: Connection): AuditModel {
  return connection.models.Audit as AuditModel | undefined ?? connection.model<AuditDoc>('Audit', auditSchema);
}
