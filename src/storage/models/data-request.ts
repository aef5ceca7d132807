// The `data_requests` collection: one document per citizen's request about their personal data
// ("hapus data saya"), keyed by the inbound message that asked. The DPO's list reads the open ones by age.
import { type Connection, type Model, Schema } from 'mongoose';
import type { Channel } from '../../tickets/model.js';

export interface DataRequestDoc {
  /** The recorded inbound message's id. */
  _id: string;
  channel: Channel;
  channelUserId: string;
  conversationKey: string;
  kind: DataRequestKind;
  status: 'open' | 'closed';
  createdAt: Date;
  reference: string;
  /** Closed by the data protection officer (src/storage/privacy-request-store.ts). */
  closedAt?: Date;
  outcome?: DataRequestOutcome;
  note?: string;
  /** `operator:<username>` of the DPO who closed it. */
  closedBy?: string;
  /** Set once the person was erased: the account is blanked, this (a hash of it) still links their requests. */
  erasedAs?: string;
}

export const DATA_REQUEST_KINDS = ['erase', 'access', 'correct'] as const;
export type DataRequestKind = (typeof DATA_REQUEST_KINDS)[number];
export const DATA_REQUEST_OUTCOMES = ['erased', 'exported', 'corrected', 'refused'] as const;
export type DataRequestOutcome = (typeof DATA_REQUEST_OUTCOMES)[number];

const dataRequestSchema = new Schema<DataRequestDoc>(
  {
    _id: { type: String, required: true },
    channel: { type: String, required: true },
    // Blank ('') once the person was erased: required would refuse the empty string.
    channelUserId: { type: String, default: '' },
    conversationKey: { type: String, default: '' },
    kind: { type: String, enum: DATA_REQUEST_KINDS, required: true },
    status: { type: String, enum: ['open', 'closed'], required: true },
    createdAt: { type: Date, required: true },
    reference: { type: String, required: true },
    closedAt: Date,
    outcome: { type: String, enum: DATA_REQUEST_OUTCOMES },
    note: String,
    closedBy: String,
    erasedAs: String,
  },
  { collection: 'data_requests', versionKey: false },
);
dataRequestSchema.index({ status: 1, createdAt: 1 });
// The DPO's look-ups: a request by its reference, a person's requests by their account.
dataRequestSchema.index({ reference: 1 });
dataRequestSchema.index({ channel: 1, channelUserId: 1 });

export type DataRequestModel = Model<DataRequestDoc>;

export function dataRequestModel(connection: Connection): DataRequestModel {
  return connection.models.DataRequest as DataRequestModel | undefined ?? connection.model<DataRequestDoc>('DataRequest', dataRequestSchema);
}
