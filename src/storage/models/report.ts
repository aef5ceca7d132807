// The `reports` collection: daily, monthly and monev reports as computed,
// with their CSV, keyed by kind and period (and agency) so a rerun replaces.
import { type Connection, type Model, Schema } from 'mongoose';

export interface ReportDoc {
  _id: string;
  kind: string;
  label: string;
  agency?: string;
  data: Record<string, unknown>;
  csv: string;
  createdAt: Date;
  sentAt?: Date;
}

const reportSchema = new Schema<ReportDoc>(
  { _id: String, kind: String, label: String, agency: String, data: Schema.Types.Mixed, csv: String, createdAt: Date, sentAt: Date },
  { collection: 'reports', versionKey: false },
);
reportSchema.index({ kind: 1, label: -1 });

export function reportModel(connection: Connection): Model<ReportDoc> {
  return connection.models.Report as Model<ReportDoc> | undefined ?? connection.model<ReportDoc>('Report', reportSchema);
}
