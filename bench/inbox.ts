// `npm run bench:inbox`: what an operator waits for in the inbox at N tickets
// (default 100,000). Seeds tickets shaped exactly like one the app created
// (and M conversation messages each), starts the whole service on that
// database, logs an admin in, and times the inbox's own HTTP routes as the UI
// calls them: the list, a filter (status + agency + category), a text search
// and a ticket view. Prints p50/p95 per request kind; a kind stops after its
// time box so a slow database still gives a figure.
//   npm run bench:inbox -- --tickets 100000 --backend sqlite   (embedded engine; default: auto)
//   MONGODB_URI=mongodb://… npm run bench:inbox
import { rmSync } from 'node:fs';
import { get as httpGet } from 'node:http';
import { parseArgs } from 'node:util';
import mongoose from 'mongoose';
import { startApplication } from '../src/app/application.js';
import { loadConfig } from '../src/config/load.js';
import { createLogger } from '../src/observability/logger.js';
import { embeddedBackendFromEnv } from '../src/storage/embedded-backend.js';
import { startEmbeddedDatabase, temporaryDataDir } from '../src/storage/embedded-db.js';
import { messageModel } from '../src/storage/models/message.js';
import { ticketModel } from '../src/storage/models/ticket.js';
import { openStorage } from '../src/storage/storage.js';
import { TicketService } from '../src/tickets/service.js';

const { values } = parseArgs({
  options: {
    tickets: { type: 'string', default: '100000' },
    messages: { type: 'string', default: '2' }, // per ticket: the conversation a ticket view shows
    requests: { type: 'string', default: '50' },
    'time-box': { type: 'string', default: '90' }, // seconds per request kind
    backend: { type: 'string', default: embeddedBackendFromEnv() },
  },
});
const total = Number(values.tickets);
const perTicket = Number(values.messages);
const requests = Number(values.requests);
const timeBoxMs = Number(values['time-box']) * 1_000;

const ADMIN = { username: 'bench-admin', password: 'bench-password-1' };
const config = loadConfig({ files: [new URL('../config/default.yaml', import.meta.url).pathname] });
const dataDir = temporaryDataDir('aduan-bench-inbox-');
const embedded = process.env.MONGODB_URI ? undefined : await startEmbeddedDatabase({ dataDir, sync: 'normal', backend: embeddedBackendFromEnv({ EMBEDDED_DB_BACKEND: values.backend }) });
const dbName = `aduan_bench_inbox_${String(Date.now())}`;
const base = (process.env.MONGODB_URI ?? embedded?.uri ?? '').replace(/\/?$/, '/');
const connection = await mongoose.createConnection(base, { dbName, autoIndex: false }).asPromise();
const storage = openStorage(connection, config);
await storage.ensureIndexes();
console.log(`bench:inbox: ${String(total)} tickets, ${String(perTicket)} messages each, ${String(requests)} requests per kind, against ${embedded ? `embedded FerretDB (${embedded.backend ?? ''})` : 'MONGODB_URI'}`);

// One ticket through the app gives the stored shape; the seed varies its number, reporter, place, status, agency and category.
const template = await new TicketService(storage.tickets, config).create({ channel: 'webchat', reporter: { name: 'Rina', channelUserId: 'bench-template' }, category: 'sampah', description: 'Sampah menumpuk di TPS.' }, 'reporter');
const tickets = ticketModel(connection).collection;
const raw = await tickets.findOne({ _id: template.number as never });
if (!raw) throw new Error('the template ticket was not stored');
await tickets.deleteOne({ _id: template.number as never });

const statuses = ['open', 'in_progress', 'resolved', 'closed', 'closed', 'closed', 'closed'] as const;
const streets = ['Melati', 'Mawar', 'Kenanga', 'Anggrek', 'Cempaka', 'Flamboyan', 'Dahlia', 'Teratai'];
const problems = ['jalan berlubang', 'lampu jalan mati', 'sampah menumpuk', 'saluran air tersumbat', 'pohon tumbang', 'banjir'];
const numberOf = (i: number) => `ADU-2611-${String(i + 1).padStart(7, '0')}`;
const now = Date.now();
const seedStarted = performance.now();
for (let start = 0; start < total; start += 2_000) {
  const batch = Array.from({ length: Math.min(2_000, total - start) }, (_, k) => {
    const i = start + k;
    const category = config.categories[i % config.categories.length];
    const created = new Date(now - (total - i) * 60_000);
    const status = statuses[i % statuses.length] ?? 'open';
    const { _id: _unused, agency: _agency, due, deadline, ...rest } = raw as Record<string, unknown>;
    const running = status === 'open' || status === 'in_progress';
    return {
      ...rest, _id: numberOf(i), number: numberOf(i), status, category: category?.code, ...(category?.agency ? { agency: category.agency } : {}), ...(running ? { due, deadline } : {}),
      reporter: { name: `Warga ${String.fromCharCode(65 + (i % 26))}${String(i % 997)}`, channelUserId: `bench-${String(i)}` },
      description: `${problems[i % problems.length] ?? ''} di Jl. ${streets[i % streets.length] ?? ''} No. ${String(i % 300)}`,
      intake: { messageId: `m${String(i)}`, conversationKey: `webchat:bench-${String(i)}`, session: 0 },
      createdAt: created, updatedAt: created,
    };
  });
  await tickets.insertMany(batch as never[], { ordered: false });
}
const ticketSeconds = (performance.now() - seedStarted) / 1_000;
const messages = messageModel(connection).collection;
for (let start = 0; start < total * perTicket; start += 2_000) {
  const batch = Array.from({ length: Math.min(2_000, total * perTicket - start) }, (_, k) => {
    const j = start + k;
    const i = Math.floor(j / perTicket);
    const inbound = j % 2 === 0;
    return {
      _id: `bench-${String(j)}`, conversationKey: `webchat:bench-${String(i)}`, channel: 'webchat', channelUserId: `bench-${String(i)}`,
      direction: inbound ? 'in' : 'out', messageId: `m${String(j)}`, session: 0, at: new Date(now - (total - i) * 60_000 + (j % perTicket) * 1_000),
      text: inbound ? 'Ada jalan berlubang di depan rumah saya.' : 'Terima kasih, laporan Anda kami catat.', status: inbound ? 'processed' : 'sent', attempts: 0,
      ...(inbound ? {} : { ticketNumber: numberOf(i) }),
    };
  });
  await messages.insertMany(batch as never[], { ordered: false });
}
console.log(`seeded in ${((performance.now() - seedStarted) / 1_000).toFixed(1)} s (tickets ${ticketSeconds.toFixed(1)} s)`);

// The service on that database; the schedules are parked so no job scans the tickets while requests are timed.
const never = '0 0 1 1 *';
config.database.uri = `${base}${dbName}`;
config.server.port = 0;
config.inbox.passwordCost = 10;
config.admin = { ...ADMIN };
for (const job of Object.keys(config.schedules)) config.schedules[job] = never;
process.env.HOST = '127.0.0.1';
const app = await startApplication(config, createLogger({ level: 'error' }));
const login = await fetch(`${app.url}/api/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(ADMIN) });
const cookie = login.headers.getSetCookie().find((c) => c.startsWith('aduan_session='))?.split(';')[0];
if (login.status !== 200 || !cookie) throw new Error(`login answered ${String(login.status)}`);

// node:http, not fetch: fetch gives up on an answer slower than 5 minutes, and on the embedded database at
// 100,000 tickets some are (the figure is the point).
const get = (path: string): Promise<void> => new Promise((resolve, reject) => {
  httpGet(`${app.url}${path}`, { headers: { cookie } }, (response) => {
    response.resume().on('end', () => { if (response.statusCode === 200) resolve(); else reject(new Error(`${path} answered ${String(response.statusCode)}`)); });
  }).on('error', reject);
});
// Nearest rank: with few samples p50 is the lower middle one, p95 the slowest.
const percentile = (sorted: number[], p: number) => sorted[Math.max(0, Math.ceil((sorted.length * p) / 100) - 1)] ?? NaN;
const routed = config.categories.filter((c) => c.agency);
const kinds: [string, (n: number) => string][] = [
  ['list (newest first, 25)', () => '/api/tickets'],
  ['filter status+agency+category', (n) => { const c = routed[n % routed.length]; return `/api/tickets?status=closed&agency=${c?.agency ?? ''}&category=${c?.code ?? ''}`; }],
  ['search "Kenanga No. 1"', (n) => `/api/tickets?q=${encodeURIComponent(`Kenanga No. ${String(n % 10)}`)}`],
  ['ticket view', (n) => `/api/tickets/${numberOf((n * 7_919) % total)}`],
];
console.log('request                          n      p50 ms    p95 ms');
for (const [name, path] of kinds) {
  const times: number[] = [];
  const started = performance.now();
  for (let n = 0; n < requests && performance.now() - started < timeBoxMs; n++) {
    const t0 = performance.now();
    await get(path(n));
    times.push(performance.now() - t0);
  }
  times.sort((a, b) => a - b);
  console.log(`${name.padEnd(32)} ${String(times.length).padStart(3)} ${percentile(times, 50).toFixed(0).padStart(10)} ${percentile(times, 95).toFixed(0).padStart(9)}`);
}

await app.stop();
await connection.dropDatabase();
await connection.close();
await embedded?.stop();
rmSync(dataDir, { recursive: true, force: true });
