// `npm run bench:jobs`: seeds N tickets (default 1,000,000) of which D
// (default 1,000) are due for an SLA reminder, then times one SLA sweep and
// shows how the database answered the due-date query (its explain output).
//   MONGODB_URI=mongodb://… npm run bench:jobs -- --tickets 1000000 --due 1000
//   npm run bench:jobs -- --tickets 100000 --backend sqlite   (the embedded database's engine; default: auto)
import { rmSync } from 'node:fs';
import { parseArgs } from 'node:util';
import mongoose from 'mongoose';
import { loadConfig } from '../src/config/load.js';
import type { Mailer } from '../src/notifications/mailer.js';
import { NoticeDispatcher } from '../src/notifications/notice-dispatcher.js';
import { createLogger } from '../src/observability/logger.js';
import { slaSweep } from '../src/scheduler/jobs/sla.js';
import { embeddedBackendFromEnv } from '../src/storage/embedded-backend.js';
import { startEmbeddedDatabase, temporaryDataDir } from '../src/storage/embedded-db.js';
import { ticketModel } from '../src/storage/models/ticket.js';
import { openStorage } from '../src/storage/storage.js';
import { TicketService } from '../src/tickets/service.js';

const { values } = parseArgs({ options: { tickets: { type: 'string', default: '1000000' }, due: { type: 'string', default: '1000' }, backend: { type: 'string', default: embeddedBackendFromEnv() } } });
const total = Number(values.tickets);
const dueCount = Number(values.due);

const config = loadConfig({ files: [new URL('../config/default.yaml', import.meta.url).pathname] });
const dataDir = temporaryDataDir('aduan-bench-jobs-');
const backend = embeddedBackendFromEnv({ EMBEDDED_DB_BACKEND: values.backend });
const embedded = process.env.MONGODB_URI ? undefined : await startEmbeddedDatabase({ dataDir, sync: 'normal', backend });
const connection = await mongoose.createConnection(process.env.MONGODB_URI ?? embedded?.uri ?? '', { dbName: `aduan_bench_jobs_${String(Date.now())}`, autoIndex: false }).asPromise();
const storage = openStorage(connection, config);
await storage.ensureIndexes();
console.log(`bench:jobs: ${String(total)} tickets, ${String(dueCount)} due, against ${embedded ? `embedded FerretDB (${embedded.backend ?? ''})` : 'MONGODB_URI'}`);

// Seed: the due ones are open with a reminder in the past; the rest are closed (no deadlines) or open with deadlines ahead.
const now = Date.now();
const collection = ticketModel(connection).collection;
const seedStarted = performance.now();
const batch = 5_000;
for (let start = 0; start < total; start += batch) {
  const docs = Array.from({ length: Math.min(batch, total - start) }, (_, k) => {
    const i = start + k;
    const number = `ADU-2611-${String(i + 1).padStart(7, '0')}`;
    const isDue = i % Math.floor(total / dueCount) === 0 && Math.floor(i / Math.floor(total / dueCount)) < dueCount;
    const open = isDue || i % 10 === 0;
    const created = new Date(now - (total - i) * 1_000);
    return {
      _id: number, number, status: open ? 'open' : 'closed', channel: 'webchat', reporter: { channelUserId: `u${String(i)}` },
      category: 'jalan_rusak', agency: 'DPUPR', description: 'uji beban', attachments: [], reopenCount: 0, history: [], version: 0,
      due: open ? { firstResponse: new Date(now + 86_400_000), firstResponseReminder: new Date(isDue ? now - 60_000 : now + 3_600_000) } : {},
      createdAt: created, updatedAt: created,
    };
  });
  await collection.insertMany(docs as never[], { ordered: false });
}
console.log(`seeded in ${((performance.now() - seedStarted) / 1_000).toFixed(1)} s`);

const filter = { status: 'open', 'due.firstResponseReminder': { $lte: new Date() } };
const explain = (await collection.find(filter).sort({ 'due.firstResponseReminder': 1 }).limit(1_000).explain('executionStats')) as Record<string, unknown>;
const stats = explain.executionStats as { totalDocsExamined?: number; totalKeysExamined?: number; nReturned?: number } | undefined;
const plan = JSON.stringify((explain.queryPlanner as { winningPlan?: unknown; Plan?: unknown } | undefined)?.winningPlan ?? explain.queryPlanner);
console.log(`query plan:      ${plan.slice(0, 400)}`);
if (stats) console.log(`examined:        ${String(stats.totalKeysExamined)} index keys, ${String(stats.totalDocsExamined)} documents for ${String(stats.nReturned)} returned`);

// One page of the sweep's due-date query, as the sweep asks for it (it pages by 200).
const dueStarted = performance.now();
const page = await storage.tickets.due('firstResponseReminder', 'open', new Date(), 200);
console.log(`due query:       ${String(page.length)} of the due tickets in ${((performance.now() - dueStarted) / 1_000).toFixed(2)} s (one page)`);

let sent = 0;
const mailer: Mailer = { from: 'aduan@kota.example', send: () => { sent++; return Promise.resolve('<bench@kota.example>'); }, close: () => undefined };
const tickets = new TicketService(storage.tickets, config);
const logger = createLogger({ level: 'error' });
const notices = new NoticeDispatcher(storage.notices, mailer, storage.attachments, logger);
const sweepStarted = performance.now();
const handled = await slaSweep({ tickets, notices, config, logger });
await notices.stop(); // the queued reminders sent
const seconds = (performance.now() - sweepStarted) / 1_000;
console.log(`sweep:           ${String(handled)} reminders (${String(sent)} emails) in ${seconds.toFixed(2)} s ${seconds <= 2 ? '(≤ 2 s: OK)' : '(target ≤ 2 s: MISSED)'}`);

await connection.dropDatabase();
await connection.close();
await embedded?.stop();
rmSync(dataDir, { recursive: true, force: true });
