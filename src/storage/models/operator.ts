// The `operators` collection: people who log in to the inbox. `_id` is the
// username, so a login and every request's check are look-ups by key.
import { type Connection, type Model, Schema } from 'mongoose';
import { OPERATOR_ROLES, type OperatorRole } from '../../inbox/auth/roles.js';

export interface OperatorDoc {
  _id: string;
  name: string;
  role: OperatorRole;
  /** The agency an `agency` operator works for; its tickets are all they see. */
  agency?: string;
  passwordHash: string;
  disabled: boolean;
  /** Failed logins in a row; reset by a successful one. */
  failedLogins: number;
  lockedUntil?: Date;
  createdAt: Date;
  updatedAt: Date;
}

const operatorSchema = new Schema<OperatorDoc>(
  {
    _id: { type: String, required: true },
    name: { type: String, required: true },
    role: { type: String, enum: OPERATOR_ROLES, required: true },
    agency: String,
    passwordHash: { type: String, required: true },
    disabled: { type: Boolean, default: false },
    failedLogins: { type: Number, default: 0 },
    lockedUntil: Date,
    createdAt: { type: Date, required: true },
    updatedAt: { type: Date, required: true },
  },
  { collection: 'operators', versionKey: false },
);
operatorSchema.index({ agency: 1 });

export type OperatorModel = Model<OperatorDoc>;

export function operatorModel(connection: Connection): OperatorModel {
  return connection.models.Operator as OperatorModel | undefined ?? connection.model<OperatorDoc>('Operator', operatorSchema);
}
