// The embedded database's PostgreSQL engine: a private cluster in
// DATA_DIR/postgres (generated password, no TCP, a non-root account when run
// as root), `_id` look-ups served by the `_id` index (the build patch), no
// server left running when the helper is killed, and which engine a DATA_DIR gets.
import { chmodSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mongoose from 'mongoose';
import { afterAll, describe, expect, it } from 'vitest';
import { chooseEmbeddedBackend, findPostgresBinaries } from '../../src/storage/embedded-backend.js';
import { type EmbeddedDatabase, startEmbeddedDatabase } from '../../src/storage/embedded-db.js';
import { until } from '../support/until.js';

const IS_ROOT = process.getuid?.() === 0;
const dirs: string[] = [];
const running: EmbeddedDatabase[] = [];
afterAll(async () => {
  for (const db of running) await db.stop();
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function freshDir(mode = 0o711): string {
  const dir = mkdtempSync(join(tmpdir(), 'aduan-pg-'));
  dirs.push(dir);
  chmodSync(dir, mode);
  return dir;
}

async function start(dataDir: string): Promise<EmbeddedDatabase> {
  const db = await startEmbeddedDatabase({ dataDir, sync: 'normal', backend: 'postgresql' });
  running.push(db);
  return db;
}

async function stop(db: EmbeddedDatabase): Promise<void> {
  running.splice(running.indexOf(db), 1);
  await db.stop();
}

const postmasterPid = (dataDir: string) => Number(readFileSync(join(dataDir, 'postgres', 'cluster', 'postmaster.pid'), 'utf8').split('\n')[0]);
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};
const processUid = (pid: number) => Number(/^Uid:\s+(\d+)/m.exec(readFileSync(`/proc/${String(pid)}/status`, 'utf8'))?.[1]);

describe.runIf(findPostgresBinaries())('the embedded database on PostgreSQL', () => {
  it('keeps its cluster private: generated password (0600), directories 0700, a non-root server', async () => {
    const dataDir = freshDir();
    const db = await start(dataDir);
    const base = join(dataDir, 'postgres');
    const password = readFileSync(join(base, 'password'), 'utf8').trim();
    expect(password).toMatch(/^[0-9a-f]{48}$/);
    expect(statSync(join(base, 'password')).mode & 0o777).toBe(0o600);
    expect(statSync(join(base, 'password')).uid).toBe(process.getuid?.());
    expect(statSync(join(base, 'cluster')).mode & 0o777).toBe(0o700);
    expect(statSync(join(base, 'pgsocket')).mode & 0o777).toBe(0o700);
    expect(db.uri).not.toContain(password); // the password stays between the helper and PostgreSQL
    const server = postmasterPid(dataDir);
    if (IS_ROOT) expect(processUid(server)).not.toBe(0);
    await stop(db);
  });

  it('answers _id look-ups with other conditions from the _id index (an index scan, not a table scan)', async () => {
    const db = await start(freshDir());
    const connection = await mongoose.createConnection(db.uri, { dbName: 'plans', autoIndex: false, autoCreate: false }).asPromise();
    try {
      const tickets = connection.collection<{ _id: string; status: string; version: number }>('tickets');
      await tickets.insertMany(Array.from({ length: 5_000 }, (_, i) => ({ _id: `ADU-2612-${String(i).padStart(5, '0')}`, status: i % 2 ? 'open' : 'closed', version: i })));
      const explain = async (filter: Record<string, unknown>, find = 'tickets') => JSON.stringify(await connection.db?.command({ explain: { find, filter }, verbosity: 'queryPlanner' }));
      const plan = await explain({ _id: 'ADU-2612-00777', status: 'open', version: 777 });
      expect(plan).toContain('"Node Type":"Index Scan"');
      expect(plan).toMatch(/"Index Cond":"\(\(tickets_[0-9a-f]+\._jsonb -> '_id'::text\) = '\\"ADU-2612-00777\\"'::jsonb\)"/);
      expect(await tickets.findOne({ _id: 'ADU-2612-00777', status: 'open' })).toMatchObject({ version: 777 });
      expect(await tickets.findOne({ _id: 'ADU-2612-00778', status: 'open' })).toBeNull(); // the rest of the filter still applies
      const other = new mongoose.Types.ObjectId();
      await connection.collection('sessions').insertMany([{ _id: other, n: 1 }, ...Array.from({ length: 2_000 }, (_, n) => ({ n }))]);
      expect(await explain({ _id: other, n: 1 }, 'sessions')).toContain('"Node Type":"Index Scan"');
      expect(await connection.collection('sessions').findOne({ _id: other, n: 1 })).toMatchObject({ n: 1 });
    } finally {
      await connection.close();
      await stop(db);
    }
  });

  it('does not leave PostgreSQL running when the helper is killed, and starts again with the data', async () => {
    const dataDir = freshDir();
    const first = await start(dataDir);
    const connection = await mongoose.createConnection(first.uri, { dbName: 'again', autoCreate: false }).asPromise();
    await connection.collection('x').insertOne({ _id: 'kept' } as never);
    await connection.close();
    const server = postmasterPid(dataDir);

    process.kill(first.pid ?? 0, 'SIGKILL'); // no chance to stop its server: the kernel's parent-death signal does
    await until('PostgreSQL to stop', () => !alive(server));
    await stop(first);

    const second = await start(dataDir);
    const again = await mongoose.createConnection(second.uri, { dbName: 'again' }).asPromise();
    expect(await again.collection('x').findOne({ _id: 'kept' } as never)).toEqual({ _id: 'kept' });
    await again.close();
    const secondServer = postmasterPid(dataDir);
    await stop(second);
    expect(alive(secondServer)).toBe(false);
    expect(existsSync(join(dataDir, 'postgres', 'cluster', 'postmaster.pid'))).toBe(false); // a clean shutdown
  });
});

describe('which engine a DATA_DIR gets', () => {
  const pgInstalled = findPostgresBinaries() !== undefined;

  it('SQLite when asked, or when DATA_DIR already holds SQLite data (switching would show an empty database)', () => {
    const dataDir = freshDir();
    expect(chooseEmbeddedBackend(dataDir, 'sqlite')).toMatchObject({ backend: 'sqlite' });
    mkdirSync(join(dataDir, 'ferretdb'));
    writeFileSync(join(dataDir, 'ferretdb', 'aduan.sqlite'), '');
    expect(chooseEmbeddedBackend(dataDir)).toMatchObject({ backend: 'sqlite', reason: `${join(dataDir, 'ferretdb')} holds the data` });
  });

  it.runIf(pgInstalled)('PostgreSQL on a fresh DATA_DIR; a DATA_DIR with a cluster stays on it', () => {
    expect(chooseEmbeddedBackend(freshDir())).toMatchObject({ backend: 'postgresql', reason: 'PostgreSQL is installed' });
    const dataDir = freshDir();
    mkdirSync(join(dataDir, 'postgres', 'cluster'), { recursive: true });
    writeFileSync(join(dataDir, 'postgres', 'cluster', 'PG_VERSION'), '15\n');
    mkdirSync(join(dataDir, 'ferretdb'));
    writeFileSync(join(dataDir, 'ferretdb', 'old.sqlite'), '');
    expect(chooseEmbeddedBackend(dataDir)).toMatchObject({ backend: 'postgresql' });
  });

  it.runIf(pgInstalled && IS_ROOT)('run as root: SQLite when PostgreSQL\'s account cannot enter DATA_DIR, and says which directory', () => {
    const dataDir = freshDir(0o700);
    expect(chooseEmbeddedBackend(dataDir)).toMatchObject({ backend: 'sqlite', reason: expect.stringContaining(`cannot enter ${dataDir}`) as unknown });
    expect(() => chooseEmbeddedBackend(dataDir, 'postgresql')).toThrow(/cannot enter/);
  });
});
