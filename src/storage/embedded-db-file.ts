// The running embedded database's address, kept in a file under DATA_DIR
// while it runs, so `npm run user` and `npm run job` without MONGODB_URI reach
// the service's database. The URI is loopback and carries no credentials;
// the file is still private to its owner (0600), like the data beside it.
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export interface EmbeddedDatabaseRecord {
  readonly uri: string;
  /** The process serving `uri` (the FerretDB helper or mongod). */
  readonly pid: number;
  readonly startedAt: string;
}

export function embeddedDatabaseFile(dataDir: string): string {
  return join(dataDir, 'embedded-db.json');
}

/** Replaces the file in one step (write aside, rename), so a reader never sees half of it. */
export function writeEmbeddedDatabaseRecord(dataDir: string, record: EmbeddedDatabaseRecord): void {
  const file = embeddedDatabaseFile(dataDir);
  const aside = `${file}.${String(process.pid)}.tmp`;
  rmSync(aside, { force: true }); // a leftover would keep its old mode: `mode` applies on creation only
  writeFileSync(aside, `${JSON.stringify(record)}\n`, { mode: 0o600 });
  renameSync(aside, file);
}

/** Removes the file if it still describes the process `pid` (another start may have replaced it). */
export function removeEmbeddedDatabaseRecord(dataDir: string, pid: number): void {
  if (readEmbeddedDatabaseRecord(dataDir)?.pid === pid) rmSync(embeddedDatabaseFile(dataDir), { force: true });
}

/** The record, or undefined when there is no file or it is not one this code wrote. */
export function readEmbeddedDatabaseRecord(dataDir: string): EmbeddedDatabaseRecord | undefined {
  let text: string;
  try {
    text = readFileSync(embeddedDatabaseFile(dataDir), 'utf8');
  } catch {
    return undefined;
  }
  return parseEmbeddedDatabaseRecord(text);
}

export function parseEmbeddedDatabaseRecord(text: string): EmbeddedDatabaseRecord | undefined {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const { uri, pid, startedAt } = value as Record<string, unknown>;
  if (typeof uri !== 'string' || !uri.startsWith('mongodb://')) return undefined;
  if (typeof pid !== 'number' || !Number.isInteger(pid) || pid <= 0) return undefined;
  return { uri, pid, startedAt: typeof startedAt === 'string' ? startedAt : '' };
}

/** Whether a process with this id exists (signal 0 checks without sending anything). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: it exists but belongs to another user.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
