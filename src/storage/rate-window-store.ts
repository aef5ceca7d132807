// Rate windows in the shared database, so a limit holds across instances:
// a hit is ONE upsert `$inc` on the window's `_id` (the embedded FerretDB
// pushes down only `_id` look-ups) plus a read by `_id` of the window before
// it, once per key and window (an ended window is remembered). Ended windows
// go by a TTL index on MongoDB, and by a sweep at most once a minute per
// instance (FerretDB has no TTL index).
import { createHmac, randomBytes } from 'node:crypto';
import type { Connection } from 'mongoose';
import { estimate, type RateWindows, windowOf } from '../limits/rate-windows.js';
import { databaseEngine } from './engine.js';
import { isDuplicateKeyError } from './errors.js';
import { rateWindowModel } from './models/rate-window.js';

const SECRET_ID = '~secret';
const SWEEP_EVERY_MS = 60_000;
/** Counts of ended windows this instance remembers (a session's next hits need no read of its previous window). */
const ENDED_MEMORY = 10_000;

export function mongoRateWindows(connection: Connection): RateWindows {
  const windows = rateWindowModel(connection);
  let secret: Promise<string> | undefined;
  let lastSweep = 0;

  /** This installation's key for hashing: made by the first instance that needs it, read by the others. */
  const loadSecret = async (): Promise<string> => {
    const proposed = randomBytes(32).toString('base64url');
    const doc = await windows.findOneAndUpdate({ _id: SECRET_ID }, { $setOnInsert: { secret: proposed } }, { upsert: true, returnDocument: 'after' })
      .catch(async (error: unknown) => {
        if (!isDuplicateKeyError(error)) throw error;
        return windows.findById(SECRET_ID); // another instance made it at the same moment
      });
    if (!doc?.secret) throw new Error('rate_windows: the installation secret could not be read');
    if ((await databaseEngine(connection)) === 'mongodb') {
      await windows.createIndexes().catch(() => undefined); // the TTL index declared on the model
    }
    return doc.secret;
  };
  const idOf = async (limit: string, key: string, start: number) => {
    secret ??= loadSecret().catch((error: unknown) => { secret = undefined; throw error; });
    const hashed = createHmac('sha256', await secret).update(key).digest('base64url').slice(0, 22);
    return `${limit}:${hashed}:${String(start)}`;
  };
  const sweep = (now: Date) => {
    if (now.getTime() - lastSweep < SWEEP_EVERY_MS) return;
    lastSweep = now.getTime();
    void windows.deleteMany({ expiresAt: { $lte: now } }).catch(() => undefined);
  };
  const count = async (id: string) => (await windows.findById(id, { n: 1 }).lean())?.n ?? 0;
  // An ended window no longer changes (but for a hit racing its end, which is negligible): read it once.
  const ended = new Map<string, number>();
  const endedCount = async (id: string) => {
    const known = ended.get(id);
    if (known !== undefined) return known;
    const n = await count(id);
    if (ended.size >= ENDED_MEMORY) ended.delete(ended.keys().next().value ?? '');
    ended.set(id, n);
    return n;
  };

  const increment = async (id: string, expiresAt: Date, retried = false): Promise<number> => {
    try {
      const doc = await windows.findOneAndUpdate({ _id: id }, { $inc: { n: 1 }, $setOnInsert: { expiresAt } }, { upsert: true, returnDocument: 'after' }).lean();
      return doc.n ?? 1;
    } catch (error) {
      // (No projection: FerretDB does not take one on findAndModify.) Two first hits of a window at once on MongoDB: one upsert inserts, the other retries as an update.
      if (!retried && isDuplicateKeyError(error)) return increment(id, expiresAt, true);
      throw error;
    }
  };

  return {
    async hit(limit, key, windowMs, at) {
      const { start, previous, elapsed } = windowOf(windowMs, at);
      const [currentId, previousId] = await Promise.all([idOf(limit, key, start), idOf(limit, key, previous)]);
      const [current, before] = await Promise.all([increment(currentId, new Date(start + 2 * windowMs)), endedCount(previousId)]);
      sweep(at);
      return estimate(current, before, elapsed);
    },
    async peek(limit, key, windowMs, at) {
      const { start, previous, elapsed } = windowOf(windowMs, at);
      const [currentId, previousId] = await Promise.all([idOf(limit, key, start), idOf(limit, key, previous)]);
      const [current, before] = await Promise.all([count(currentId), endedCount(previousId)]);
      return estimate(current, before, elapsed);
    },
  };
}
