// The `events` collection behind the shared bus (src/bus/shared-bus.ts): one
// document per signal, `_id` its sequence number written as a 12-digit string
// (FerretDB pushes down `_id` equality for strings, not for numbers: measured
// 1.6 ms against 170 ms at 10,000 events), numbers taken from the
// `counters` document `events`. Kept small: pruned by every instance, and on
// MongoDB also by a TTL index on `at`.
import type { Connection } from 'mongoose';
import { z } from 'zod';
import { signalPayload } from '../bus/bus.js';
import type { EventLog, StoredEvent } from '../bus/shared-bus.js';
import { databaseEngine } from './engine.js';
import { isDuplicateKeyError } from './errors.js';

interface EventDoc {
  _id: string;
  origin: string;
  topic: string;
  payload: Record<string, unknown>;
  at: Date;
}

const COUNTER = 'events';
const NAMESPACE_EXISTS = 48;

export const eventId = (seq: number): string => String(seq).padStart(12, '0');

// What another instance wrote is input like any other: a malformed document is skipped, not delivered.
const storedEvent = z.object({ _id: z.string().regex(/^\d{12}$/), origin: z.string(), topic: z.string(), payload: signalPayload });

export function mongoEventLog(connection: Connection): EventLog & { ensureIndexes(keepMs: number): Promise<void> } {
  const db = connection.db;
  if (!db) throw new Error('the database connection is not open');
  const events = db.collection<EventDoc>('events');
  const counters = db.collection<{ _id: string; seq: number }>('counters');

  /** The last of `n` numbers taken at once. Two first takes may race on the upsert: the loser takes again. */
  async function take(n: number): Promise<{ seq: number }> {
    for (let attempt = 0; ; attempt++) {
      try {
        const counter = await counters.findOneAndUpdate({ _id: COUNTER }, { $inc: { seq: n } }, { upsert: true, returnDocument: 'after' });
        if (!counter) throw new Error('the events counter was not returned by the database');
        return counter;
      } catch (error) {
        if (!isDuplicateKeyError(error) || attempt >= 3) throw error;
      }
    }
  }

  return {
    async ensureIndexes(keepMs) {
      await db.createCollection('events').catch((error: unknown) => { if ((error as { code?: number }).code !== NAMESPACE_EXISTS) throw error; });
      // FerretDB has no TTL indexes: there the instances' own pruning is all there is.
      if ((await databaseEngine(connection)) === 'mongodb') await events.createIndex({ at: 1 }, { name: 'events_ttl', expireAfterSeconds: Math.ceil(keepMs / 1_000) }, {});
    },

    async latest() {
      const counter = await counters.findOne({ _id: COUNTER });
      return counter?.seq ?? 0;
    },

    async append(origin, batch, at) {
      if (batch.length === 0) return;
      const counter = await take(batch.length);
      const first = counter.seq - batch.length + 1;
      await events.insertMany(batch.map((event, i) => ({ _id: eventId(first + i), origin, topic: event.topic, payload: { ...event.payload }, at })), { ordered: false });
    },

    async read(seqs) {
      // One equality look-up each, side by side: O(new events) whatever the collection holds.
      const docs = await Promise.all(seqs.map((seq) => events.findOne({ _id: eventId(seq) })));
      const out: StoredEvent[] = [];
      for (const doc of docs) {
        const parsed = storedEvent.safeParse(doc);
        if (parsed.success) out.push({ seq: Number(parsed.data._id), origin: parsed.data.origin, topic: parsed.data.topic, payload: parsed.data.payload });
      }
      return out;
    },

    async prune(upTo) {
      // A range: a scan of the table on FerretDB, but of a table pruned to a few minutes of events, once a minute.
      await events.deleteMany({ _id: { $lte: eventId(upTo) } });
    },
  };
}
