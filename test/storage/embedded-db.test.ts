// The embedded database as `npm start` runs it on SQLite: one TCP port (the
// write gate's), FerretDB itself on a private Unix socket, its address logged
// and recorded under DATA_DIR while it runs. Atomicity on both engines:
// embedded-db-engines.test.ts; PostgreSQL's own cluster: embedded-db-postgresql.test.ts.
import { existsSync, mkdirSync, mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import mongoose from 'mongoose';
import { afterAll, describe, expect, it } from 'vitest';
import { embeddedDatabaseFile, readEmbeddedDatabaseRecord } from '../../src/storage/embedded-db-file.js';
import { type EmbeddedDatabase, startEmbeddedDatabase } from '../../src/storage/embedded-db.js';
import { HAS_PROC, listeningTcpPorts, unixSocketPaths } from '../support/proc-sockets.js';

const dirs: string[] = [];
const running: EmbeddedDatabase[] = [];
afterAll(async () => {
  for (const db of running) await db.stop();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function freshDir(prefix = 'aduan-embedded-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(dir);
  return dir;
}

// These tests are about the SQLite engine; embedded-db-postgresql.test.ts is about PostgreSQL's.
async function start(dataDir: string, logger?: Parameters<typeof startEmbeddedDatabase>[0]['logger']): Promise<EmbeddedDatabase> {
  const db = await startEmbeddedDatabase({ dataDir, sync: 'normal', backend: 'sqlite', ...(logger ? { logger } : {}) });
  running.push(db);
  expect(db.kind).toBe('ferretdb');
  return db;
}

async function stop(db: EmbeddedDatabase): Promise<void> {
  running.splice(running.indexOf(db), 1);
  await db.stop();
}

describe('the embedded database on SQLite', () => {
  it.runIf(HAS_PROC)('listens on one TCP port, the one in its URI; FerretDB only on a private Unix socket', async () => {
    const dataDir = freshDir();
    const db = await start(dataDir);
    const pid = db.pid ?? 0;
    expect(pid).toBeGreaterThan(0);

    expect(listeningTcpPorts(pid)).toEqual([Number(new URL(db.uri).port)]);
    const sockets = unixSocketPaths(pid);
    expect(sockets).toEqual([join(dataDir, 'ferretdb', 'socket', 'ferretdb.sock')]);
    expect(statSync(join(dataDir, 'ferretdb', 'socket')).mode & 0o777).toBe(0o700);

    await stop(db);
    expect(existsSync(join(dataDir, 'ferretdb', 'socket', 'ferretdb.sock'))).toBe(false);
  });

  it('logs its address and records it under DATA_DIR (0600) while it runs, and removes the record on stop', async () => {
    const dataDir = freshDir();
    const lines: { fields: unknown; msg: unknown }[] = [];
    const logger = { info: (fields: unknown, msg?: unknown) => { lines.push({ fields, msg }); }, warn: () => undefined };
    const db = await start(dataDir, logger);

    expect(lines).toContainEqual({ fields: expect.objectContaining({ kind: 'ferretdb', backend: 'sqlite', address: db.uri, file: embeddedDatabaseFile(dataDir) }) as unknown, msg: 'embedded database started: FerretDB over SQLite' });
    expect(db.uri).toMatch(/^mongodb:\/\/127\.0\.0\.1:\d+\/$/); // loopback, no credentials
    const record = readEmbeddedDatabaseRecord(dataDir);
    expect(record).toMatchObject({ uri: db.uri, pid: db.pid });
    expect(Date.parse(record?.startedAt ?? '')).toBeGreaterThan(Date.now() - 120_000);
    expect(statSync(embeddedDatabaseFile(dataDir)).mode & 0o777).toBe(0o600);

    await stop(db);
    expect(existsSync(embeddedDatabaseFile(dataDir))).toBe(false);
  });

  it('starts again on the same directory after being killed, and refuses a second helper while one runs', async () => {
    const dataDir = freshDir();
    const first = await start(dataDir);
    await expect(startEmbeddedDatabase({ dataDir, sync: 'normal', backend: 'sqlite' })).rejects.toThrow(/another helper is serving this data directory/);
    expect(readEmbeddedDatabaseRecord(dataDir)?.pid).toBe(first.pid);

    process.kill(first.pid ?? 0, 'SIGKILL'); // leaves its socket file and its record behind
    await stop(first);
    const second = await start(dataDir);
    expect(readEmbeddedDatabaseRecord(dataDir)).toMatchObject({ uri: second.uri, pid: second.pid });
    const connection = await mongoose.createConnection(second.uri, { dbName: 'again' }).asPromise();
    await connection.collection('x').insertOne({ ok: true });
    await connection.close();
    await stop(second);
  });

  it.runIf(HAS_PROC)('puts the socket in a private temporary directory when the data path is too long for one, and removes it', async () => {
    const dataDir = join(freshDir(), 'a-directory-name-long-enough'.repeat(4));
    mkdirSync(dataDir);
    const db = await start(dataDir);
    const [socket] = unixSocketPaths(db.pid ?? 0);
    expect(socket).toBeDefined();
    expect(socket?.startsWith(dataDir)).toBe(false);
    expect(statSync(dirname(socket ?? '')).mode & 0o777).toBe(0o700);
    const connection = await mongoose.createConnection(db.uri, { dbName: 'long' }).asPromise();
    await connection.collection('x').insertOne({ ok: true });
    await connection.close();

    await stop(db);
    expect(existsSync(dirname(socket ?? ''))).toBe(false);
  });
});
