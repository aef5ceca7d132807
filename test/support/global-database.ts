// Starts one MongoDB-protocol server for the whole run: the real MongoDB at
// MONGODB_URI when given, else the embedded FerretDB helper (built with
// `go build` on first use) on PostgreSQL where it is installed, else SQLite
// (EMBEDDED_DB_BACKEND=sqlite forces SQLite). Each test file then works in its
// own database; the cluster's initdb runs once per run.
import { rmSync } from 'node:fs';
import type { TestProject } from 'vitest/node';
import { embeddedBackendFromEnv } from '../../src/storage/embedded-backend.js';
import { startEmbeddedDatabase, temporaryDataDir } from '../../src/storage/embedded-db.js';

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
  const dataDir = temporaryDataDir('aduan-test-db-');
  const started = performance.now();
  const db = await startEmbeddedDatabase({ dataDir, sync: 'normal', backend: embeddedBackendFromEnv() });
  if (db.kind !== 'ferretdb') throw new Error(`tests need FerretDB or MONGODB_URI, got ${db.kind}`);
  process.stderr.write(`test database: FerretDB over ${db.backend ?? '?'} in ${String(Math.round(performance.now() - started))} ms\n`);
  project.provide('mongoUri', db.uri);
  return async () => {
    await db.stop();
    rmSync(dataDir, { recursive: true, force: true });
  };
}
