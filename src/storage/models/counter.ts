// Sequence counters (`_id` names the sequence, e.g. "ticket:2611").
import { type Connection, type Model, Schema } from 'mongoose';
import { isDuplicateKeyError } from '../errors.js';

export interface Counter {
  _id: string;
  seq: number;
}

const counterSchema = new Schema<Counter>({ _id: { type: String, required: true }, seq: { type: Number, required: true } }, { collection: 'counters', versionKey: false });

export type CounterModel = Model<Counter>;

export function counterModel(connection: Connection): CounterModel {
  return connection.models.Counter as CounterModel | undefined ?? connection.model<Counter>('Counter', counterSchema);
}

/**
 * Atomically increments and returns a named sequence. Two first increments
 * of a new sequence may race on the upsert; the loser gets a duplicate-key
 * error and simply increments the document the winner created.
 */
export async function nextInSequence(model: CounterModel, name: string): Promise<number> {
  for (let attempt = 0; ; attempt++) {
    try {
      const doc = await model.findOneAndUpdate({ _id: name }, { $inc: { seq: 1 } }, { upsert: true, returnDocument: 'after', lean: true });
      if (!doc) throw new Error(`counter ${name} was not returned by the database`);
      return doc.seq;
    } catch (error) {
      if (!isDuplicateKeyError(error) || attempt >= 5) throw error;
    }
  }
}
