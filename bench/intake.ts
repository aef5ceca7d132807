// `npm run bench`: N simulated reporters complete the whole complaint flow at
// once through an in-process push channel, against MONGODB_URI or the
// embedded FerretDB. Prints throughput, per-message latency, peak memory and
// the number of tickets created (must equal N).
//   npm run bench -- --reporters 10000
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import mongoose from 'mongoose';
import { loadConfig } from '../src/config/load.js';
import type { ChannelCapabilities, OutboundMessage } from '../src/conversation/messages.js';
import { setUpConversation } from '../src/conversation/setup.js';
import { createLogger } from '../src/observability/logger.js';
import type { ChannelSender } from '../src/outbox/sender.js';
import { startEmbeddedDatabase } from '../src/storage/embedded-db.js';
import { embeddedBackendFromEnv } from '../src/storage/embedded-backend.js';
import { ticketModel } from '../src/storage/models/ticket.js';
import { openStorage } from '../src/storage/storage.js';
import { TicketService } from '../src/tickets/service.js';

const { values } = parseArgs({ options: { reporters: { type: 'string', default: process.env.BENCH_REPORTERS ?? '10000' }, concurrency: { type: 'string' }, keep: { type: 'boolean', default: false } } });
const reporters = Number(values.reporters);

const config = loadConfig({ files: [new URL('../config/default.yaml', import.meta.url).pathname] });
const dataDir = mkdtempSync(join(tmpdir(), 'aduan-bench-'));
// As a service's DATA_DIR: PostgreSQL's own user (when run as root) can enter it, so `auto` picks PostgreSQL where it is installed.
chmodSync(dataDir, 0o711);
const embedded = process.env.MONGODB_URI ? undefined : await startEmbeddedDatabase({ dataDir, sync: 'normal', backend: embeddedBackendFromEnv() });
const uri = process.env.MONGODB_URI ?? embedded?.uri ?? '';
const dbName = `aduan_bench_${String(Date.now())}`;
const connection = await mongoose.createConnection(uri, { dbName, maxPoolSize: 50, autoIndex: false, monitorCommands: true }).asPromise();
// Counts the commands that change data (each one a turn of the embedded database's write gate) and the documents they carry.
const WRITES: Record<string, string> = { insert: 'documents', update: 'updates', delete: 'deletes', findAndModify: '' };
const writes = { commands: 0, documents: 0, byName: new Map<string, number>() };
const reads = new Map<string, number>();
let counting = false;
connection.getClient().on('commandStarted', (event) => {
  const field = WRITES[event.commandName];
  if (!counting) return;
  if (field === undefined) {
    const name = `${event.commandName} ${String(event.command[event.commandName])}`;
    reads.set(name, (reads.get(name) ?? 0) + 1);
    return;
  }
  writes.commands++;
  writes.documents += field ? ((event.command as Record<string, unknown[] | undefined>)[field]?.length ?? 1) : 1;
  const name = `${event.commandName} ${String(event.command[event.commandName])}`;
  writes.byName.set(name, (writes.byName.get(name) ?? 0) + 1);
});
const storage = openStorage(connection, config);
await storage.ensureIndexes();
const tickets = new TicketService(storage.tickets, config);
const processing: number[] = [];
const { router, outbox } = setUpConversation(config, storage, tickets, createLogger({ level: 'error' }), {
  outbox: { claimMs: 600_000 },
  onProcessed: (ms) => processing.push(ms),
  ...(values.concurrency ? { maxConcurrent: Number(values.concurrency) } : {}),
});

// The in-process channel: a push channel with buttons, whose delivery completes at once.
const capabilities: ChannelCapabilities = { knowsPhone: false, canRequestContact: true, canRequestLocation: true, buttons: true, oneShot: false };
let delivered = 0;
const channel: ChannelSender = {
  channel: 'telegram',
  capabilities,
  delivery: 'push',
  send: (_to: string, _message: OutboundMessage) => {
    delivered++;
    return Promise.resolve({});
  },
};
outbox.register(channel);

const script = (i: number): { text?: string; location?: { latitude: number; longitude: number } }[] => [
  { text: 'halo' },
  { text: '1' },
  { text: `Warga Uji ${String.fromCharCode(65 + (i % 26))}` },
  { text: `08${String(1_200_000_000 + i)}` },
  { text: `Jl. Percobaan No. ${String(i)}` },
  { text: String((i % 10) + 1) },
  { text: `Laporan uji nomor ${String(i)}: jalan berlubang di depan rumah.` },
  { text: 'selesai' },
  { location: { latitude: -6.2 + (i % 1000) / 10_000, longitude: 106.8 + (i % 1000) / 10_000 } },
  { text: 'ya' },
];

const latencies: number[] = [];
let peakRss = 0;
const sampler = setInterval(() => { peakRss = Math.max(peakRss, process.memoryUsage().rss); }, 50);

console.log(`bench: ${String(reporters)} reporters × ${String(script(0).length)} messages, ${values.concurrency ?? String(config.conversation.maxConcurrent)} processed at once, against ${embedded ? `embedded FerretDB (${embedded.backend ?? 'sqlite'})` : 'MONGODB_URI'}`);
const started = performance.now();
counting = true;
const cpuBefore = { node: process.cpuUsage(), db: embedded?.pid ? cpuOf(embedded.pid) : undefined };
await Promise.all(
  Array.from({ length: reporters }, async (_, i) => {
    let n = 0;
    for (const step of script(i)) {
      const t0 = performance.now();
      await router.handle({ channel: 'telegram', channelUserId: `bench-${String(i)}`, messageId: `b${String(i)}-${String(n++)}`, at: new Date(), ...step });
      latencies.push(performance.now() - t0);
    }
  }),
);
await outbox.idle();
counting = false;
const nodeCpu = process.cpuUsage(cpuBefore.node);
const dbCpu = embedded?.pid && cpuBefore.db !== undefined ? (cpuOf(embedded.pid) ?? 0) - cpuBefore.db : undefined;
const seconds = (performance.now() - started) / 1_000;
clearInterval(sampler);
peakRss = Math.max(peakRss, process.memoryUsage().rss);

const created = await ticketModel(connection).estimatedDocumentCount();
const percentiles = (values: number[]) => {
  values.sort((a, b) => a - b);
  const at = (p: number) => (values[Math.min(values.length - 1, Math.floor((p / 100) * values.length))] ?? 0).toFixed(1);
  return `p50 ${at(50)}  p95 ${at(95)}  p99 ${at(99)}  max ${(values.at(-1) ?? 0).toFixed(1)}`;
};
const dbPeak = embedded?.pid ? peakOf(embedded.pid) : undefined;

console.log(`messages:        ${String(latencies.length)} in ${seconds.toFixed(1)} s`);
console.log(`throughput:      ${(latencies.length / seconds).toFixed(0)} msgs/s`);
console.log(`processing (ms): ${percentiles(processing)}   (a message's own work, from its turn to its replies stored)`);
console.log(`end to end (ms): ${percentiles(latencies)}   (including the wait behind ${String(reporters)} reporters sending at once)`);
console.log(`writes/message:  ${(writes.commands / latencies.length).toFixed(2)} commands, ${(writes.documents / latencies.length).toFixed(2)} documents   (${[...writes.byName].sort((a, b) => b[1] - a[1]).map(([n, c]) => `${n} ${(c / latencies.length).toFixed(2)}`).join(', ')})`);
console.log(`reads/message:   ${[...reads].sort((a, b) => b[1] - a[1]).map(([n, c]) => `${n} ${(c / latencies.length).toFixed(2)}`).join(', ')}`);
// CPU time per message says what the work costs even when other work shares the machine (throughput does not).
console.log(`CPU/message:     ${((nodeCpu.user + nodeCpu.system) / 1_000 / latencies.length).toFixed(2)} ms Node${dbCpu === undefined ? '' : `, ${(dbCpu / latencies.length).toFixed(2)} ms database process`}`);
console.log(`peak RSS:        ${(peakRss / 1_048_576).toFixed(0)} MB (Node)${dbPeak ? `, ${dbPeak} (database process)` : ''}`);
console.log(`replies sent:    ${String(delivered)}`);
console.log(`tickets created: ${String(created)} (expected ${String(reporters)}) ${created === reporters ? 'OK' : 'MISMATCH'}`);

if (!values.keep) await connection.dropDatabase();
await connection.close();
await embedded?.stop();
rmSync(dataDir, { recursive: true, force: true });
process.exitCode = created === reporters ? 0 : 1;

/**
 * CPU time so far in ms (user + system, from /proc; clock ticks are 1/100 s on Linux) of a process and
 * every process below it: PostgreSQL's server processes are the FerretDB helper's children.
 */
function cpuOf(pid: number): number | undefined {
  const stats = new Map<number, { parent: number; ms: number }>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const fields = readFileSync(`/proc/${entry}/stat`, 'utf8').split(') ')[1]?.split(' ') ?? [];
      stats.set(Number(entry), { parent: Number(fields[1]), ms: (Number(fields[11]) + Number(fields[12])) * 10 });
    } catch {
      // It ended meanwhile.
    }
  }
  if (!stats.has(pid)) return undefined;
  const inTree = (p: number): boolean => {
    for (let at = p, hops = 0; at > 1 && hops < 20; hops++) {
      if (at === pid) return true;
      at = stats.get(at)?.parent ?? 0;
    }
    return false;
  };
  return [...stats].filter(([p]) => inTree(p)).reduce((sum, [, s]) => sum + s.ms, 0);
}

function peakOf(pid: number): string | undefined {
  try {
    const line = readFileSync(`/proc/${String(pid)}/status`, 'utf8').split('\n').find((l) => l.startsWith('VmHWM:'));
    return line ? `${String(Math.round(Number(line.replace(/\D/g, '')) / 1024))} MB` : undefined;
  } catch {
    return undefined;
  }
}
