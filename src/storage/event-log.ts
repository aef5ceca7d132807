// The `events` collection behind the shared bus (src/bus/shared-bus.ts): one
// document per signal, `_id` its sequence number written as a 12-digit string
// (FerretDB over SQLite pushes down `_id` equality for strings only: measured
// 1.6 ms against 170 ms for a number at 10,000 events), numbers taken from the
// `counters` document `events`, which also says up to where events were
// pruned. Kept small: pruned by whichever instance claims a range first, and on
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
const INDEX_OPTIONS_CONFLICT = 85;
/** Events deleted in one write: the write gate is held for about 40 ms. */
const PRUNE_BATCH = 200;

export const eventId = (seq: number): string => String(seq).padStart(12, '0');

// What another instance wrote is input like any other: a malformed document is skipped, not delivered.
const storedEvent = z.object({ _id: z.string().regex(/^\d{12}$/), origin: z.string(), topic: z.string(), payload: signalPayload, at: z.date() });

export function mongoEventLog(connection: Connection): EventLog & { ensureIndexes(keepMs: number): Promise<void> } {
  const db = connection.db;
  if (!db) throw new Error('the database connection is not open');
  const events = db.collection<EventDoc>('events');
  const counters = db.collection<{ _id: string; seq: number; pruned?: number }>('counters');

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
      if ((await databaseEngine(connection)) !== 'mongodb') return;
      // A changed `events.keep` finds the index with the old lifetime (IndexOptionsConflict): it stays, as a backstop,
      // since the instances' own pruning keeps the new one.
      await events.createIndex({ at: 1 }, { name: 'events_ttl', expireAfterSeconds: Math.ceil(keepMs / 1_000) }, {}).catch((error: unknown) => {
        if ((error as { code?: number }).code !== INDEX_OPTIONS_CONFLICT) throw error;
      });
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
        if (parsed.success) out.push({ seq: Number(parsed.data._id), origin: parsed.data.origin, topic: parsed.data.topic, payload: parsed.data.payload, at: parsed.data.at });
      }
      return out;
    },

    async prune(upTo) {
      // One instance prunes each range: it claims it on the counter (one conditional write), then deletes it by `_id`
      // equality, 200 at a time (a range delete scans the whole table on FerretDB: 500 ms at 10,000 events, with
      // the write gate held; 200 look-ups by `_id` take ~40 ms). A claimant that dies in between leaves its range
      // behind: disk only, as no poll reads it (and MongoDB's TTL index removes it anyway).
      const counter = await counters.findOne({ _id: COUNTER });
      const from = counter?.pruned ?? 0;
      if (!counter || from >= upTo) return;
      const claimed = await counters.updateOne({ _id: COUNTER, pruned: counter.pruned === undefined ? { $exists: false } : from }, { $set: { pruned: upTo } });
      if (claimed.modifiedCount !== 1) return;
      for (let first = from + 1; first <= upTo; first += PRUNE_BATCH) {
        const last = Math.min(upTo, first + PRUNE_BATCH - 1);
        const deletes = [];
        for (let seq = first; seq <= last; seq++) deletes.push({ deleteOne: { filter: { _id: eventId(seq) } } });
        await events.bulkWrite(deletes, { ordered: false });
      }
    },
  };
}
