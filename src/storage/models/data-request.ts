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
  kind: 'erase';
  status: 'open';
  createdAt: Date;
  reference: string;
}

const dataRequestSchema = new Schema<DataRequestDoc>(
  {
    _id: { type: String, required: true },
    channel: { type: String, required: true },
    channelUserId: { type: String, required: true },
    conversationKey: { type: String, required: true },
    kind: { type: String, enum: ['erase'], required: true },
    status: { type: String, enum: ['open'], required: true },
    createdAt: { type: Date, required: true },
    reference: { type: String, required: true },
  },
  { collection: 'data_requests', versionKey: false },
);
dataRequestSchema.index({ status: 1, createdAt: 1 });

export type DataRequestModel = Model<DataRequestDoc>;

export function dataRequestModel(connection: Connection): DataRequestModel {
  return connection.models.DataRequest as DataRequestModel | undefined ?? connection.model<DataRequestDoc>('DataRequest', dataRequestSchema);
}
