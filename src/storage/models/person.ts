// The `people` collection: one person's identities on the channels (WhatsApp, Telegram,
// email, web chat) that an operator joined because they share a phone number or an
// email address. A document exists only once an operator merged; an identity nobody
// merged is a person of its own. Never written by the service on its own.
import { type Connection, type Model, Schema } from 'mongoose';

export interface PersonIdentity {
  channel: string;
  channelUserId: string;
}

export interface PersonDoc {
  _id: string;
  identities: PersonIdentity[];
  /** `<channel>:<channelUserId>` of each identity, the key the person is found by. */
  keys: string[];
  createdAt: Date;
  updatedAt: Date;
  /** `operator:<username>` of the last merge or split. */
  updatedBy: string;
}

const personSchema = new Schema<PersonDoc>(
  {
    _id: { type: String, required: true },
    identities: { type: [{ _id: false, channel: { type: String, required: true }, channelUserId: { type: String, required: true } }], required: true },
    keys: { type: [String], required: true },
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
    updatedBy: { type: String, required: true },
  },
  { collection: 'people', versionKey: false },
);
// The person of a ticket's reporter is found by its channel identity (one identity belongs to one person).
personSchema.index({ keys: 1 });

export type PersonModel = Model<PersonDoc>;

export function personModel(connection: Connection): PersonModel {
  return connection.models.Person as PersonModel | undefined ?? connection.model<PersonDoc>('Person', personSchema);
}
