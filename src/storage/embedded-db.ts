// The database a newcomer and the test suite get without MONGODB_URI:
// FerretDB (MongoDB wire protocol over PostgreSQL where it is installed, else
// SQLite: see embedded-backend.ts) embedded in the small Go program in
// tools/ferretdb, built with `go build` on first use. With PostgreSQL the
// helper runs its own private cluster in DATA_DIR/postgres and stops it with itself. Where Go is
// missing, mongodb-memory-server runs a real mongod with a persistent dbPath.
// Its address is logged and recorded in DATA_DIR/embedded-db.json while it
// runs, so the command-line tools can reach the service's database.
import { type ChildProcess, spawn } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import type { Logger } from '../observability/logger.js';
import { chooseEmbeddedBackend, type EmbeddedBackend, type EmbeddedBackendChoice, PG_OS_USER } from './embedded-backend.js';
import { embeddedDatabaseFile, removeEmbeddedDatabaseRecord, writeEmbeddedDatabaseRecord } from './embedded-db-file.js';
import { buildFerretDb, FERRETDB_BINARY, hasGo, isFerretDbBinaryFresh } from './ferretdb-build.js';

export interface EmbeddedDatabase {
  readonly kind: 'ferretdb' | 'mongodb-memory-server';
  /** FerretDB's storage engine. */
  readonly backend?: EmbeddedBackend;
  readonly uri: string;
  /** The database process, where it is a child of this one. */
  readonly pid?: number;
  stop(): Promise<void>;
}

export interface EmbeddedDatabaseOptions {
  readonly dataDir: string;
  readonly logger?: Pick<Logger, 'info' | 'warn'>;
  /** TCP address; port 0 picks a free one. */
  readonly listen?: string;
  /** `normal` trades durability on power loss for speed (tests, benchmarks); FerretDB only. */
  readonly sync?: 'full' | 'normal';
  /** `auto`: PostgreSQL when installed and DATA_DIR holds no SQLite data (config `database.embeddedBackend`, EMBEDDED_DB_BACKEND). */
  readonly backend?: EmbeddedBackendChoice;
}

export async function startEmbeddedDatabase({ dataDir, logger, listen = '127.0.0.1:0', sync = 'full', backend = 'auto' }: EmbeddedDatabaseOptions): Promise<EmbeddedDatabase> {
  const binary = await ensureFerretDbBinary(logger);
  if (binary) {
    const chosen = chooseEmbeddedBackend(dataDir, backend);
    const directory = join(dataDir, chosen.backend === 'postgresql' ? 'postgres' : 'ferretdb');
    const engine = chosen.pgBin ? ['-backend', 'postgresql', '-pg-bin', chosen.pgBin, '-pg-user', PG_OS_USER] : ['-backend', 'sqlite'];
    const db = announce(dataDir, await startFerretDb(binary, directory, listen, sync, chosen.backend, engine));
    // `address`, not `uri`: the logger redacts `uri` (a MONGODB_URI may hold a password); this one is loopback and has none.
    logger?.info(
      { kind: db.kind, backend: chosen.backend, why: chosen.reason, dataDir: directory, address: db.uri, file: embeddedDatabaseFile(dataDir) },
      `embedded database started: FerretDB over ${chosen.backend === 'postgresql' ? 'PostgreSQL' : 'SQLite'}`,
    );
    return db;
  }
  logger?.warn('Go is not installed: using mongodb-memory-server (downloads mongod on first use) instead of FerretDB');
  const db = announce(dataDir, await startMongoMemoryServer(join(dataDir, 'mongodb')));
  logger?.info({ kind: db.kind, dataDir: join(dataDir, 'mongodb'), address: db.uri, file: embeddedDatabaseFile(dataDir) }, 'embedded database started: mongod from mongodb-memory-server');
  return db;
}

/**
 * A fresh DATA_DIR under the system's temporary directory for tests and benchmarks.
 * mkdtemp makes it 0700; 0711 lets PostgreSQL's own account (run as root) pass through to its cluster.
 */
export function temporaryDataDir(prefix: string): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  chmodSync(dir, 0o711);
  return dir;
}

// Records where the database listens, for `npm run user`/`npm run job`, until it stops cleanly.
function announce(dataDir: string, db: EmbeddedDatabase): EmbeddedDatabase {
  const pid = db.pid ?? process.pid;
  writeEmbeddedDatabaseRecord(dataDir, { uri: db.uri, pid, startedAt: new Date().toISOString() });
  return {
    ...db,
    stop: async () => {
      removeEmbeddedDatabaseRecord(dataDir, pid);
      await db.stop();
    },
  };
}

/** Builds the helper when it is missing or older than its sources; undefined when Go is not available. */
export async function ensureFerretDbBinary(logger?: Pick<Logger, 'info'>): Promise<string | undefined> {
  if (isFerretDbBinaryFresh()) return FERRETDB_BINARY;
  if (!(await hasGo())) return existsSync(FERRETDB_BINARY) ? FERRETDB_BINARY : undefined;
  logger?.info('building the embedded FerretDB helper with go build (first start only, about a minute)');
  return buildFerretDb();
}

async function startFerretDb(binary: string, dataDir: string, listen: string, sync: 'full' | 'normal', backend: EmbeddedBackend, engine: string[]): Promise<EmbeddedDatabase> {
  mkdirSync(dataDir, { recursive: true });
  // stdin stays open as a lifeline: when this process dies, the helper sees EOF and exits (and
  // stops its PostgreSQL, which the kernel also signals should the helper itself be killed).
  const child = spawn(binary, ['-data', dataDir, '-listen', listen, '-sync', sync, ...engine], {
    stdio: ['pipe', 'pipe', 'pipe'],
    // Its own process group: Ctrl-C on `npm start` signals the whole group, and the database must
    // outlive the service's stop, which still needs it; the service stops it last.
    detached: true,
  });
  const stderr: string[] = [];
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
    stderr.push(chunk);
    if (stderr.length > 50) stderr.shift();
  });
  const uri = await new Promise<string>((resolve, reject) => {
    // A first start on PostgreSQL runs initdb (a few seconds on a slow disk).
    const timer = setTimeout(() => { fail(new Error('FerretDB did not report its address within 90 s')); }, 90_000);
    const lines = createInterface({ input: child.stdout });
    const fail = (error: Error) => {
      clearTimeout(timer);
      lines.close();
      child.kill('SIGKILL');
      reject(new Error(`${error.message}${stderr.length ? `: ${stderr.join('').trim()}` : ''}`));
    };
    lines.once('line', (line) => {
      clearTimeout(timer);
      lines.close();
      try {
        resolve((JSON.parse(line) as { uri: string }).uri);
      } catch {
        fail(new Error(`unexpected output from the FerretDB helper: ${line}`));
      }
    });
    child.once('exit', (code) => { fail(new Error(`the FerretDB helper exited with code ${String(code)}`)); });
    child.once('error', fail);
  });
  return { kind: 'ferretdb', backend, uri, ...(child.pid === undefined ? {} : { pid: child.pid }), stop: () => stopChild(child) };
}

async function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => { resolve(); }));
  child.kill('SIGTERM');
  // PostgreSQL's fast shutdown (a checkpoint) can take a few seconds on a busy disk.
  const timer = setTimeout(() => child.kill('SIGKILL'), 40_000);
  await exited;
  clearTimeout(timer);
}

async function startMongoMemoryServer(dbPath: string): Promise<EmbeddedDatabase> {
  mkdirSync(dbPath, { recursive: true });
  const { MongoMemoryServer } = await import('mongodb-memory-server-core');
  const server = await MongoMemoryServer.create({ instance: { dbPath, storageEngine: 'wiredTiger' } });
  const pid = server.instanceInfo?.instance.mongodProcess?.pid;
  return {
    kind: 'mongodb-memory-server',
    uri: server.getUri(),
    ...(pid === undefined ? {} : { pid }),
    stop: async () => {
      await server.stop({ doCleanup: false });
    },
  };
}
