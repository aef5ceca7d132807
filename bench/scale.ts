// `npm run bench:scale -- --instances 3 --citizens 60`: K instances of the
// service (real processes) behind HAProxy on one database (MONGODB_URI, or an
// embedded FerretDB started here), and N web chat citizens who each complete
// a whole report through the balancer at once (a closed loop: each answers
// the moment the bot has answered). Prints throughput, the time a post takes,
// and the CPU each part used per message (from /proc): the instances, the
// database, HAProxy. The CPU figures are what sizing divides by (README, "Sizing").
import { readdirSync, readFileSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { BSON } from 'mongodb';
import mongoose from 'mongoose';
import { startEmbeddedDatabase } from '../src/storage/embedded-db.js';
import { AppProcess, freePort } from '../test/support/app-process.js';
import { HaproxyProcess } from '../test/support/haproxy.js';
import { WebchatCitizen } from '../test/support/webchat.js';

const { values } = parseArgs({ options: { instances: { type: 'string', default: '1' }, citizens: { type: 'string', default: '60' } } });
const instances = Number(values.instances);
const citizens = Number(values.citizens);
const dir = mkdtempSync(join(tmpdir(), 'aduan-bench-scale-'));
const embedded = process.env.MONGODB_URI ? undefined : await startEmbeddedDatabase({ dataDir: dir, sync: 'normal' });
const uri = process.env.MONGODB_URI ?? `${embedded?.uri.replace(/\/?$/, '/') ?? ''}aduan_scale_${String(Date.now())}`;
const configFile = join(dir, 'kota.yaml');
writeFileSync(configFile, 'inbox: { passwordCost: 10 }\n');

const IDLE_MS = 10_000;
const TICKS = 100; // USER_HZ on Linux

/** Documents per collection and their average BSON size: what a ticket costs the database (README, "Sizing"). */
async function printSizes(databaseUri: string, tickets: number): Promise<void> {
  const connection = await mongoose.createConnection(databaseUri).asPromise();
  try {
    const db = connection.db;
    if (!db) return;
    const rows: string[] = [];
    let total = 0;
    for (const { name } of await db.listCollections().toArray()) {
      const docs = await db.collection(name).find({}).toArray();
      const bytes = docs.reduce((n, d) => n + BSON.calculateObjectSize(d), 0);
      total += bytes;
      if (docs.length) rows.push(`${name} ${String(docs.length)} × ${(bytes / docs.length).toFixed(0)} B`);
    }
    console.log(`documents:       ${rows.join(', ')}`);
    console.log(`per ticket:      ${(total / tickets / 1_024).toFixed(1)} KB of documents (indexes and photos not included)`);
  } finally {
    await connection.close();
  }
}
/** utime + stime of a process and its descendants, in ms. */
function cpuMs(pid: number): number {
  let total = 0;
  const children = new Map<number, number[]>();
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      const parent = Number(fields[1]);
      children.set(parent, [...(children.get(parent) ?? []), Number(entry)]);
    } catch {
      // ended meanwhile
    }
  }
  const walk = (p: number) => {
    try {
      const stat = readFileSync(`/proc/${String(p)}/stat`, 'utf8');
      const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      total += ((Number(fields[11]) + Number(fields[12])) * 1_000) / TICKS;
    } catch {
      // ended meanwhile
    }
    for (const child of children.get(p) ?? []) walk(child);
  };
  walk(pid);
  return total;
}

const ports = await Promise.all(Array.from({ length: instances }, () => freePort()));
const apps = ports.map((port) => new AppProcess({ MONGODB_URI: uri, PORT: String(port), HOST: '127.0.0.1', LOG_LEVEL: 'info', CONFIG_FILE: configFile, DATA_DIR: dir }));
try {
  await Promise.all(apps.map((a) => a.waitForListening(120_000)));
  const proxy = await HaproxyProcess.start(ports.map((port, i) => ({ name: `app${String(i + 1)}`, port })));
  try {
    await new Promise((resolve) => setTimeout(resolve, 1_500)); // every backend up (rise 2 × 500 ms)
    const cpu = () => ({ apps: apps.reduce((n, a) => n + cpuMs(a.pid ?? 0), 0), db: embedded?.pid ? cpuMs(embedded.pid) : Number.NaN, lb: cpuMs(proxy.pid) });
    // What the instances use doing nothing (schedules, leases, the events poll): not part of a message's cost.
    const idleStart = cpu();
    await new Promise((resolve) => setTimeout(resolve, IDLE_MS));
    const idle = cpu();
    const idlePerS = { apps: ((idle.apps - idleStart.apps) * 1_000) / IDLE_MS, db: ((idle.db - idleStart.db) * 1_000) / IDLE_MS };
    const before = cpu();
    const started = performance.now();
    const durations: number[] = [];
    await Promise.all(
      Array.from({ length: citizens }, async (_, i) => {
        const person = new WebchatCitizen(proxy.url);
        // Pins 160 m apart, a category every 4th: no report is offered another's as a nearby duplicate.
        const t = performance.now();
        await person.report({ name: 'Siti Aminah', phone: `0812${String(4_000_000 + i)}`, address: `Jl. Darmo ${String(i + 1)}, Surabaya`, category: String((i % 4) + 1), description: 'Saluran air tersumbat, air meluap ke jalan setiap hujan.', location: { latitude: -7.29 + i * 0.0015, longitude: 112.74 } });
        durations.push(performance.now() - t);
      }),
    );
    const seconds = (performance.now() - started) / 1_000;
    const after = cpu();
    const messages = citizens * 10;
    durations.sort((a, b) => a - b);
    const perMessage = (ms: number) => (ms / messages).toFixed(2);
    const busy = (total: number, idlePerSecond: number) => perMessage(total - idlePerSecond * seconds);
    console.log(`bench:scale: ${String(instances)} instance(s) behind HAProxy, ${String(citizens)} web chat citizens × 10 messages, against ${embedded ? `embedded FerretDB (${embedded.backend ?? '?'})` : 'MONGODB_URI'}`);
    console.log(`throughput:      ${(messages / seconds).toFixed(0)} msgs/s (${String(messages)} in ${seconds.toFixed(1)} s)`);
    console.log(`report (s):      p50 ${((durations[Math.floor(citizens / 2)] ?? 0) / 1_000).toFixed(1)}, max ${((durations.at(-1) ?? 0) / 1_000).toFixed(1)}`);
    console.log(`CPU/message:     ${perMessage(after.apps - before.apps)} ms instances, ${perMessage(after.db - before.db)} ms database, ${perMessage(after.lb - before.lb)} ms HAProxy`);
    console.log(`  less idle:     ${busy(after.apps - before.apps, idlePerS.apps)} ms instances, ${busy(after.db - before.db, idlePerS.db)} ms database (idle: ${idlePerS.apps.toFixed(1)} ms/s instances, ${idlePerS.db.toFixed(1)} ms/s database)`);
    await printSizes(uri, citizens);
  } finally {
    await proxy.stop();
  }
} finally {
  for (const app of apps) app.kill('SIGTERM');
  await Promise.all(apps.map((a) => a.exited));
  await embedded?.stop();
  rmSync(dir, { recursive: true, force: true });
}
