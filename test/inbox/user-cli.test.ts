// `npm run user`: the CLI against the test database, as an administrator runs it.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mongoose, { type Connection } from 'mongoose';
import { afterAll, describe, expect, it } from 'vitest';
import { startEmbeddedDatabase } from '../../src/storage/embedded-db.js';
import { operatorModel } from '../../src/storage/models/operator.js';
import { useTestDatabase } from '../support/database.js';

const db = useTestDatabase(import.meta.filename);
// A city's file over the default, as an administrator would have one; here only a cheaper hash.
const configFile = join(mkdtempSync(join(tmpdir(), 'aduan-user-cli-')), 'kota.yaml');
writeFileSync(configFile, 'inbox:\n  passwordCost: 10\n');

function run(args: string[], input?: string): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, ['--import', 'tsx', 'scripts/user.ts', ...args], { env: { ...process.env, CONFIG_FILE: configFile, MONGODB_URI: `${db.uri.replace(/\/?$/, '/')}${db.name}` } }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
    });
    child.stdin?.end(input ?? '');
  });
}

describe('npm run user', () => {
  it('adds an agency operator with a piped password, refuses bad input, disables and resets', async () => {
    expect(await run(['add', 'pdam.rina', '--role', 'agency', '--agency', 'PDAM', '--name', 'Rina'], 'sandi-rahasia-panjang\n')).toMatchObject({ code: 0 });
    const stored = await operatorModel(db.connection).findById('pdam.rina').lean();
    expect(stored).toMatchObject({ role: 'agency', agency: 'PDAM', name: 'Rina', disabled: false });
    expect(stored?.passwordHash).toMatch(/^scrypt\$10\$/);

    expect(await run(['add', 'x.y', '--role', 'agency', '--agency', 'NOPE'], 'sandi-rahasia-panjang')).toMatchObject({ code: 1, stderr: expect.stringContaining('agency:') as unknown });
    expect(await run(['add', 'pendek', '--role', 'supervisor'], 'pendek')).toMatchObject({ code: 1, stderr: expect.stringContaining('at least 10 characters') as unknown });
    expect(await run(['frobnicate'])).toMatchObject({ code: 2 });

    expect((await run(['disable', 'pdam.rina'])).code).toBe(0);
    expect((await operatorModel(db.connection).findById('pdam.rina').lean())?.disabled).toBe(true);
    const reset = await run(['reset', 'pdam.rina']);
    expect(reset.stdout).toMatch(/password \(shown once\): \S{16}/);
    expect((await operatorModel(db.connection).findById('pdam.rina').lean())?.passwordHash).not.toBe(stored?.passwordHash);
    expect((await run(['list'])).stdout).toContain('pdam.rina\tagency\tPDAM\tdisabled\tRina');
  });
});

// The same command as an operator types it (`npm run user`), with only the environment given here.
const ROOT = new URL('../../', import.meta.url).pathname;
const { MONGODB_URI: _uri, DATA_DIR: _dataDir, ...inherited } = process.env;
function npmUser(args: string[], env: NodeJS.ProcessEnv, input = ''): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    const child = execFile('npm', ['run', '--silent', 'user', '--', ...args], { cwd: ROOT, env: { ...inherited, CONFIG_FILE: configFile, LOG_LEVEL: 'warn', ...env } }, (error, stdout, stderr) => {
      resolve({ code: error ? Number(error.code ?? 1) : 0, stdout, stderr });
    });
    child.stdin?.end(input);
  });
}

/** The server's URI with its database path removed, as an operator might write it (`mongodb://host:27017`). */
function withoutDatabase(uri: string): string {
  return uri.replace(/^(mongodb(?:\+srv)?:\/\/[^/?]*)(?:\/[^?]*)?(\?.*)?$/, (_m, hosts: string, query?: string) => (query ? `${hosts}/${query}` : hosts));
}

const cleanups: (() => Promise<unknown>)[] = [];
afterAll(async () => {
  for (const cleanup of cleanups.reverse()) await cleanup().catch(() => undefined);
});

/** Removes this test's operator and its audit entries, and the collections when they are left empty. */
async function removeFromService(connection: Connection, username: string): Promise<void> {
  await connection.collection('operators').deleteMany({ _id: username as never });
  await connection.collection('audit').deleteMany({ 'detail.username': username });
  for (const name of ['operators', 'audit']) {
    if ((await connection.collection(name).findOne({})) === null) await connection.dropCollection(name).catch(() => undefined);
  }
}

describe('npm run user finds the service\'s database', () => {
  it('uses `aduan` when MONGODB_URI names no database', async () => {
    const username = `nodb.${randomBytes(3).toString('hex')}`;
    const server = withoutDatabase(db.uri);
    const aduan = await mongoose.createConnection(server, { dbName: 'aduan', autoIndex: false, autoCreate: false }).asPromise();
    const test = aduan.useDb('test');
    cleanups.push(async () => { await removeFromService(aduan, username); await aduan.close(); });

    expect(await npmUser(['add', username, '--role', 'supervisor', '--name', 'Tanpa Nama DB'], { MONGODB_URI: server }, 'sandi-rahasia-panjang\n')).toMatchObject({ code: 0 });
    expect(await operatorModel(aduan).findById(username).lean()).toMatchObject({ role: 'supervisor', name: 'Tanpa Nama DB' });
    expect(await test.collection('operators').findOne({ _id: username as never })).toBeNull();
    const withQuery = server.includes('?') ? server : `${server}/?serverSelectionTimeoutMS=5000`;
    expect((await npmUser(['list'], { MONGODB_URI: withQuery })).stdout).toContain(`${username}\tsupervisor\t-\tactive\tTanpa Nama DB`);
  });

  it('without MONGODB_URI, uses the embedded database the running service recorded under DATA_DIR', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'aduan-user-cli-data-'));
    const embedded = await startEmbeddedDatabase({ dataDir, sync: 'normal' });
    cleanups.push(async () => { await embedded.stop(); rmSync(dataDir, { recursive: true, force: true }); });

    expect(await npmUser(['add', 'walikota', '--role', 'supervisor', '--name', 'Wali Kota'], { DATA_DIR: dataDir }, 'sandi-rahasia-panjang\n')).toMatchObject({ code: 0 });
    const list = await npmUser(['list'], { DATA_DIR: dataDir });
    expect(list).toMatchObject({ code: 0, stdout: 'walikota\tsupervisor\t-\tactive\tWali Kota\n' });
    const direct = await mongoose.createConnection(embedded.uri, { dbName: 'aduan', autoIndex: false, autoCreate: false }).asPromise();
    expect(await operatorModel(direct).findById('walikota').lean()).toMatchObject({ role: 'supervisor' });
    await direct.close();
  });

  it('without MONGODB_URI and no running embedded database, exits 2 and says what to do', async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'aduan-user-cli-empty-'));
    cleanups.push(() => { rmSync(dataDir, { recursive: true, force: true }); return Promise.resolve(); });
    const result = await npmUser(['list'], { DATA_DIR: dataDir });
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('npm run user needs the service\'s database: MONGODB_URI is unset and no embedded database is running');
    expect(result.stderr).toContain('Start the service (`npm start`) with the same DATA_DIR');
    expect(result.stderr).toContain('or set MONGODB_URI');
  });
});
