// `npm run bench:events`: what one poll of the live-updates bus (src/bus/)
// costs on the embedded database, with ~0 and with 10,000 events stored,
// alternating between two databases on one server so the machine's load
// touches both alike. Each poll reads the counter and the new events by `_id`.
//   npm run bench:events -- --backend sqlite --polls 200
import { chmodSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import mongoose, { type Connection } from 'mongoose';
import { SharedBus } from '../src/bus/shared-bus.js';
import { startEmbeddedDatabase } from '../src/storage/embedded-db.js';
import { eventId, mongoEventLog } from '../src/storage/event-log.js';

const { values } = parseArgs({ options: { backend: { type: 'string', default: 'auto' }, polls: { type: 'string', default: '200' }, stored: { type: 'string', default: '10000' } } });
const polls = Number(values.polls);
const stored = Number(values.stored);
const dataDir = mkdtempSync(join(tmpdir(), 'aduan-bench-events-'));
// Run as root, the embedded PostgreSQL runs as `postgres`, which must pass through.
chmodSync(dataDir, 0o711);
const embedded = process.env.MONGODB_URI ? undefined : await startEmbeddedDatabase({ dataDir, sync: 'normal', backend: values.backend as 'auto' | 'sqlite' | 'postgresql' });
const uri = process.env.MONGODB_URI ?? embedded?.uri ?? '';

interface Side { readonly name: string; readonly connection: Connection; readonly writer: SharedBus; readonly reader: SharedBus; readonly idle: number[]; readonly one: number[]; readonly range: number[] }

async function side(name: string, fill: number): Promise<Side> {
  const connection = await mongoose.createConnection(uri, { dbName: `aduan_bench_events_${name}_${String(Date.now())}`, autoIndex: false }).asPromise();
  const log = mongoEventLog(connection);
  await log.ensureIndexes(300_000);
  if (fill > 0) {
    await connection.collection<{ _id: string; seq: number }>('counters').updateOne({ _id: 'events' }, { $set: { seq: fill } }, { upsert: true });
    for (let from = 1; from <= fill; from += 1_000) {
      const docs = Array.from({ length: Math.min(1_000, fill - from + 1) }, (_, i) => ({ _id: eventId(from + i), origin: 'elsewhere', topic: 'inbox', payload: { type: 'message', number: 'ADU-2612-00001', agency: 'DPUPR' }, at: new Date() }));
      await connection.collection('events').insertMany(docs as never[]);
    }
  }
  // Timers far off: the bench calls poll() itself.
  const options = { log, pollMs: 3_600_000, keepMs: 3_600_000 };
  const [writer, reader] = [new SharedBus(options), new SharedBus(options)];
  await Promise.all([writer.start(), reader.start()]);
  return { name, connection, writer, reader, idle: [], one: [], range: [] };
}

async function timed(work: () => Promise<void>): Promise<number> {
  const start = performance.now();
  await work();
  return performance.now() - start;
}

const sides = [await side('empty', 0), await side('full', stored)];
for (let i = 0; i < polls; i++) {
  for (const s of i % 2 === 0 ? sides : [...sides].reverse()) {
    s.idle.push(await timed(() => s.reader.poll()));
    s.writer.publish('inbox', { type: 'ticket', number: 'ADU-2612-00002', action: 'note' });
    await s.writer.flushed();
    s.one.push(await timed(() => s.reader.poll()));
    // For comparison, the read this design avoids: "everything after the last one seen", a range on `_id`.
    const last = await mongoEventLog(s.connection).latest();
    s.range.push(await timed(async () => { await s.connection.collection('events').find({ _id: { $gt: eventId(last - 1) } } as never).toArray(); }));
  }
}
const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] ?? 0;
const p90 = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length * 0.9)] ?? 0;
process.stdout.write(`engine: ${embedded ? `embedded FerretDB over ${embedded.backend ?? 'sqlite'}` : 'MONGODB_URI'}; ${String(polls)} polls each, alternated\n`);
for (const s of sides) {
  const count = await s.connection.collection('events').estimatedDocumentCount();
  process.stdout.write(`${s.name.padEnd(6)} (${String(count)} stored): nothing new ${median(s.idle).toFixed(2)} ms (p90 ${p90(s.idle).toFixed(2)}), one new event ${median(s.one).toFixed(2)} ms (p90 ${p90(s.one).toFixed(2)}); a range read of it instead ${median(s.range).toFixed(2)} ms\n`);
}
for (const s of sides) {
  await Promise.all([s.writer.stop(), s.reader.stop()]);
  await s.connection.dropDatabase();
  await s.connection.close();
}
await embedded?.stop();
rmSync(dataDir, { recursive: true, force: true });
