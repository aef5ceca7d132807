// Both engines of the embedded database keep what Aduan relies on from
// MongoDB: single-document atomicity (the write gate in front of FerretDB),
// one TCP port, and the app's own writes (a ticket with its number).
// PostgreSQL runs when its server programs are installed (.ci/run installs them).
import { chmodSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mongoose from 'mongoose';
import { afterAll, describe, expect, it } from 'vitest';
import { type EmbeddedBackend, findPostgresBinaries } from '../../src/storage/embedded-backend.js';
import { type EmbeddedDatabase, startEmbeddedDatabase } from '../../src/storage/embedded-db.js';
import { openStorage } from '../../src/storage/storage.js';
import { TicketService } from '../../src/tickets/service.js';
import { defaultConfig } from '../support/config.js';
import { HAS_PROC, listeningTcpPorts } from '../support/proc-sockets.js';

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

/** The PostgreSQL server's pid, from its cluster's postmaster.pid. */
function postmasterPid(dataDir: string): number {
  return Number(readFileSync(join(dataDir, 'postgres', 'cluster', 'postmaster.pid'), 'utf8').split('\n')[0]);
}

const engines: EmbeddedBackend[] = findPostgresBinaries() ? ['sqlite', 'postgresql'] : ['sqlite'];

describe.each(engines)('the embedded database on %s', (backend) => {
  let db: EmbeddedDatabase;
  let dataDir: string;
  let connection: mongoose.Connection;

  it('starts on the engine asked for and says so', async () => {
    dataDir = mkdtempSync(join(tmpdir(), `aduan-engine-${backend}-`));
    dirs.push(dataDir);
    chmodSync(dataDir, 0o711); // run as root, PostgreSQL's own account must pass through
    const lines: { fields: unknown; msg: unknown }[] = [];
    db = await startEmbeddedDatabase({ dataDir, sync: 'normal', backend, logger: { info: (fields: unknown, msg?: unknown) => { lines.push({ fields, msg }); }, warn: () => undefined } });
    expect(db.backend).toBe(backend);
    expect(lines).toContainEqual({ fields: expect.objectContaining({ kind: 'ferretdb', backend, address: db.uri }) as unknown, msg: `embedded database started: FerretDB over ${backend === 'sqlite' ? 'SQLite' : 'PostgreSQL'}` });
    connection = await mongoose.createConnection(db.uri, { dbName: 'engine', autoIndex: false, autoCreate: false, maxPoolSize: 100 }).asPromise();
  });

  it.runIf(HAS_PROC)('has one TCP port, the write gate\'s; the database server itself has none', () => {
    expect(listeningTcpPorts(db.pid ?? 0)).toEqual([Number(new URL(db.uri).port)]);
    if (backend === 'postgresql') expect(listeningTcpPorts(postmasterPid(dataDir))).toEqual([]);
  });

  it('100 concurrent $inc on one document give 100 distinct values and end at 100', async () => {
    const counters = connection.collection<{ _id: string; seq: number }>('counters');
    await counters.insertOne({ _id: 'c', seq: 0 });
    const values = await Promise.all(Array.from({ length: 100 }, () => counters.findOneAndUpdate({ _id: 'c' }, { $inc: { seq: 1 } }, { returnDocument: 'after' })));
    expect(new Set(values.map((v) => v?.seq)).size).toBe(100);
    expect((await counters.findOne({ _id: 'c' }))?.seq).toBe(100);
    const plain = await Promise.all(Array.from({ length: 100 }, () => counters.updateOne({ _id: 'c' }, { $inc: { seq: 1 } })));
    expect(plain.every((r) => r.modifiedCount === 1)).toBe(true);
    expect((await counters.findOne({ _id: 'c' }))?.seq).toBe(200);
  });

  it('of 20 concurrent conditional updates of one version, exactly one wins', async () => {
    const tickets = connection.collection<{ _id: string; status: string; version: number; by?: number }>('race');
    await tickets.insertOne({ _id: 'ADU-1', status: 'open', version: 3 });
    const results = await Promise.all(Array.from({ length: 20 }, (_, i) => tickets.updateOne({ _id: 'ADU-1', status: 'open', version: 3 }, { $set: { status: 'in_progress', by: i }, $inc: { version: 1 } })));
    const winners = results.filter((r) => r.modifiedCount === 1);
    expect(winners).toHaveLength(1);
    expect(await tickets.findOne({ _id: 'ADU-1' })).toMatchObject({ status: 'in_progress', version: 4 });
  });

  it('matches a dotted path into an array in updates and deletes, as MongoDB does', async () => {
    const cells = connection.collection<{ _id: string; tickets: { number: string }[]; n?: number }>('cells');
    await cells.insertMany([{ _id: 'a', tickets: [{ number: 'ADU-1' }, { number: 'ADU-2' }] }, { _id: 'b', tickets: [{ number: 'ADU-3' }] }]);
    expect((await cells.updateOne({ 'tickets.number': 'ADU-2' }, { $set: { n: 1 } })).modifiedCount).toBe(1);
    expect(await cells.findOneAndUpdate({ 'tickets.number': 'ADU-3' }, { $set: { n: 2 } }, { returnDocument: 'after' })).toMatchObject({ _id: 'b', n: 2 });
    expect((await cells.deleteMany({ 'tickets.number': 'ADU-1' })).deletedCount).toBe(1);
    expect(await cells.find().toArray()).toEqual([{ _id: 'b', tickets: [{ number: 'ADU-3' }], n: 2 }]);
  });

  it('stores a ticket created through the app, numbered, and finds it by number', async () => {
    const config = defaultConfig();
    const storage = openStorage(connection, config);
    await storage.ensureIndexes();
    const service = new TicketService(storage.tickets, config);
    const created = await Promise.all(['Jl. Melati', 'Jl. Mawar', 'Jl. Kenanga'].map((street, i) =>
      service.create({ channel: 'webchat', reporter: { name: 'Rina', channelUserId: `engine-${String(i)}` }, category: 'sampah', description: `Sampah menumpuk di ${street}.` }, 'reporter')));
    expect(new Set(created.map((t) => t.number)).size).toBe(3); // distinct numbers under concurrency
    const again = await storage.tickets.findByNumber(created[1]?.number ?? '');
    expect(again).toMatchObject({ number: created[1]?.number, status: 'open', description: 'Sampah menumpuk di Jl. Mawar.' });
  });

  it('stops, and with it the database server', async () => {
    const serverPid = backend === 'postgresql' ? postmasterPid(dataDir) : undefined;
    await connection.close();
    await db.stop();
    if (serverPid) expect(() => process.kill(serverPid, 0)).toThrow();
  });
});
