// Starts one MongoDB-protocol server for the whole run: the real MongoDB at
// MONGODB_URI when given, else the embedded FerretDB helper (built with
// `go build` on first use). Each test file then works in its own database.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TestProject } from 'vitest/node';
import { startEmbeddedDatabase } from '../../src/storage/embedded-db.js';

declare module 'vitest' {
  export interface ProvidedContext {
    mongoUri: string;
  }
}

export default async function setup(project: TestProject): Promise<() => Promise<void>> {
  const given = process.env.MONGODB_URI;
  if (given) {
    project.provide('mongoUri', given);
    return () => Promise.resolve();
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'aduan-test-db-'));
  const db = await startEmbeddedDatabase({ dataDir, sync: 'normal' });
  if (db.kind !== 'ferretdb') throw new Error(`tests need FerretDB or MONGODB_URI, got ${db.kind}`);
  project.provide('mongoUri', db.uri);
  return async () => {
    await db.stop();
    rmSync(dataDir, { recursive: true, force: true });
  };
}
